"""The AWS wire layer: sans-IO parsing and serialization driven by botocore's service models."""
