"""Local state under the state directory: the audit trail and the CRM outbox (one SQLite file)."""
