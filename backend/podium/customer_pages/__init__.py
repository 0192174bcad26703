"""Accounts: a customer as a whole, assembled from customers, visits and the pipeline (the layer above them)."""
