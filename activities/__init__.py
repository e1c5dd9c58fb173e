"""Daily work logs, activity standards, supervisor duties and the customer book."""
