"""The seed word counter's three handlers (shared/seeds/001), written as the seed describes them:
plain boto3 and the standard library, unaware of Skybus.

* ``app.handler`` gets a Slack outgoing webhook through API Gateway (a proxy event whose body
  is the form-encoded webhook), adds 1 to each word's counter in the DynamoDB table named by
  ``DYNAMO_TABLE``, publishes the words to ``SNS_TOPIC_ARN`` when it is set, and answers Slack
  with the current counts.
* ``sns_multiplier.handler`` is triggered by the topic and adds 10 to each word's counter.
* ``sns_logger.handler`` is triggered by the topic and logs what it receives.
"""

from __future__ import annotations

from urllib.parse import urlencode

APP = """
import base64
import json
import os
from urllib.parse import parse_qs

import boto3

table = boto3.resource("dynamodb").Table(os.environ["DYNAMO_TABLE"])
sns = boto3.client("sns")


def words_of(event):
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode("utf-8")
    text = parse_qs(body).get("text", [""])[0]
    return text.split()


def handler(event, context):
    words = words_of(event)
    counts = []
    for word in words:
        result = table.update_item(
            Key={"word": word},
            UpdateExpression="ADD #count :one",
            ExpressionAttributeNames={"#count": "count"},
            ExpressionAttributeValues={":one": 1},
            ReturnValues="UPDATED_NEW",
        )
        counts.append("%s: %s" % (word, result["Attributes"]["count"]))
    topic = os.environ.get("SNS_TOPIC_ARN")
    if topic and words:
        sns.publish(TopicArn=topic, Message=" ".join(words))
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"text": ", ".join(counts)}),
    }
"""

SNS_MULTIPLIER = """
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["DYNAMO_TABLE"])


def handler(event, context):
    for record in event["Records"]:
        for word in record["Sns"]["Message"].split():
            table.update_item(
                Key={"word": word},
                UpdateExpression="ADD #count :ten",
                ExpressionAttributeNames={"#count": "count"},
                ExpressionAttributeValues={":ten": 10},
            )
"""

SNS_LOGGER = """
import json


def handler(event, context):
    print("Received event: " + json.dumps(event))
    message = event["Records"][0]["Sns"]["Message"]
    print("From SNS: " + message)
    return message
"""


def sns_event(topic_arn: str, message: str) -> dict[str, object]:
    """The event SNS delivers to a subscribed function (one record)."""
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{topic_arn}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
                    "TopicArn": topic_arn,
                    "Subject": None,
                    "Message": message,
                    "Timestamp": "2016-12-02T12:00:00.000Z",
                    "SignatureVersion": "1",
                    "Signature": "EXAMPLE",
                    "SigningCertUrl": "https://sns.us-east-1.amazonaws.com/cert.pem",
                    "UnsubscribeUrl": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
                    "MessageAttributes": {},
                },
            }
        ]
    }


def webhook_event(text: str) -> dict[str, object]:
    """An API Gateway proxy event carrying a Slack outgoing webhook."""
    fields = {"token": "t", "channel_name": "general", "text": text, "trigger_word": "awsadvent"}
    body = urlencode(fields)
    return {
        "resource": "/aws_advent",
        "path": "/aws_advent",
        "httpMethod": "POST",
        "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        "multiValueHeaders": {"Content-Type": ["application/x-www-form-urlencoded"]},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {"resourcePath": "/aws_advent", "httpMethod": "POST", "stage": "prod"},
        "body": body,
        "isBase64Encoded": False,
    }
