"""The same boto3 calls sent to AWS's DynamoDB Local and to Skybus, with the answers compared."""
