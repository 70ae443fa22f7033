"""The phone channel: «Создать по звонку» in the workspace and a generic PBX webhook at /hooks/phone/."""
