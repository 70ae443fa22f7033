"""English requests of the demo: the same platform, customers abroad.

Placeholders filled per ticket: {order} {invoice} {amount} {site} {date} {code}.
"""

from __future__ import annotations

from otvet.demo.texts import Scenario as S

SCENARIOS = (
    S("login", ("Can't log in after password reset", "Password reset email never arrives"),
      "Hi, I reset my password this morning and now the account page says \"Invalid credentials\". "
      "The reset link I requested again never arrived, not even in spam.",
      "Could you tell us which address the account is registered to and which browser you use?",
      "Same address as on the contract. Chrome on Windows; a private window shows the same error.",
      "Your mail server was rejecting our messages. We sent a new reset link from our backup sender and the "
      "account is unlocked; you can sign in again.",
      note="Account locked after 5 failed attempts. Unlocked it."),
    S("users", ("Add a second admin user", "New admin without access to payments"),
      "Hello, we'd like to give our new operations manager admin rights to the shop, but without access to "
      "payment settings. Is that possible?",
      "Yes: Settings > Staff > Invite. Which role should the new user get: Order manager or a custom one?",
      "A custom one, please: orders and catalogue, no payments.",
      "We created the role \"Operations (no payments)\" and sent the invitation; it is valid for 7 days.",
      internal="rollout"),
    S("payment", ("Card payments declined at checkout", "Customers can't pay: error {code}"),
      "Hi, since last night several customers report their card payments are declined at checkout. "
      "Example: order #{order}. We're losing sales, please help.",
      "We can see the order. Does it affect all customers or cards of one bank only?",
      "Mostly Visa cards issued in the EU as far as we can tell.",
      "The payment provider confirmed an outage on their side, fixed at 11:40 UTC. Order #{order} went through "
      "and the other customers can retry from the link in their email.",
      line="vendor", urgent=True),
    S("invoice", ("Invoice for the annual plan", "VAT invoice for the annual plan"),
      "Hello, could you send us an invoice for the annual plan? Our finance team needs it in GBP with our VAT "
      "number on it.",
      "Could you confirm the VAT number and the billing address we should put on the invoice?",
      "GB 123 4567 89, same billing address as last year.",
      "Invoice {invoice} for {amount} GBP is in the Billing section and was emailed to your finance team."),
    S("api", ("Orders not syncing to our ERP via API", "Webhook signatures fail validation"),
      "Hi team, our ERP stopped receiving new orders through the API yesterday. The order webhook returns "
      "400 on our side because the signature doesn't match.",
      "Could you send the timestamp of one failing delivery and confirm which secret you validate against?",
      "Failing delivery at 14:05 UTC; we use the secret from the integration settings page.",
      "The webhook secret was rotated when you regenerated the API key. Copy the new secret from "
      "Settings > Integrations; deliveries since yesterday were re-sent after you updated it.",
      note="Signature header is fine; customer validates with the old secret.",
      line="second"),
    S("domain", ("Custom domain SSL certificate pending", "Our site shows a certificate warning"),
      "Hello, we pointed {site} to your servers three days ago but the certificate is still \"pending\" and "
      "browsers show a warning.",
      "Please check that both the apex record and www point to the address from our guide.",
      "The www record still pointed to our old host; fixed it now.",
      "The certificate has been issued and {site} now opens over https, with www redirecting to the apex.",
      internal="rollout"),
    S("delivery", ("Shipping rates not calculated for EU", "Free shipping shown for every EU country"),
      "Hi, checkout shows free shipping for every EU country, although we configured paid rates. "
      "We've had 12 orders like that this week.",
      "Could you check whether your shipping zones include a default weight for products?",
      "Default weight is set to 0.3 kg, the zones look right.",
      "The carrier changed its rate API. We released a fix and EU shipping rates are calculated again.",
      line="vendor", internal="development"),
    S("feature", ("Feature request: export orders to CSV", "Order export for our accounting"),
      "Hello, it would help us a lot to export orders for a period to CSV, with items and delivery method. "
      "Is that on your roadmap?",
      "Thanks for the idea! Which columns matter most to you?",
      "Number, date, customer, items, total, delivery method, payment status.",
      "Order export to CSV shipped in the latest platform update: Orders > Export.",
      line="second", internal="development"),
    S("outage", ("Site down - 502 error", "{site} returns 502 Bad Gateway"),
      "Hi, {site} has been returning 502 Bad Gateway for 15 minutes. It's our busiest day of the year!",
      "We see it and our engineers are on it. Is the admin panel affected too?",
      "The admin panel loads, but very slowly.",
      "An overloaded storage server caused the outage; load was redistributed and the site has been up since "
      "21:05 UTC. We apologise for the trouble.",
      line="incidents", urgent=True),
    S("design", ("Change the checkout page layout", "Add a gift message field to checkout"),
      "Hello, we'd like a gift message field at checkout and the delivery date picker moved above the payment "
      "block. How much would that cost?",
      "Our estimate is 4 hours of front-end work. Please confirm and we'll schedule it.",
      "Confirmed, go ahead.",
      "The new checkout layout is live on {site}; the previous version is saved and can be restored.",
      internal="rollout", paid=True),
)  # fmt: skip
