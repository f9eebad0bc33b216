"""Tables: DynamoDB-compatible tables, items, expressions, query and scan, kept in the store.

Each table's items live in one store space, keyed by an order-preserving encoding of the item's
key, so that Query and Scan are range scans of the store's index on either backend.
"""
