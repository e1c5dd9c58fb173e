"""Banks, branches, branch staff, contacts, branch events and branch KPIs."""
