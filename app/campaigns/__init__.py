"""百场万企 campaigns: sessions grouped by chain and region, targets, and the report."""
