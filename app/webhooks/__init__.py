"""Webhooks: an organisation's endpoints hear of its surveys' events (opened, closed, published, response
milestones), signed per the Standard Webhooks specification and delivered from an outbox (see sender)."""
