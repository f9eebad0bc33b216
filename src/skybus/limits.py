"""Every limit Skybus enforces, in one place, each with the AWS value it mirrors.

Engines import names from here; nothing else in the code base spells a limit as a literal.
"""

from __future__ import annotations

KiB = 1024
MiB = 1024 * KiB

# --- HTTP front door -----------------------------------------------------------------------
#: Largest request body accepted by default. DynamoDB's largest request (BatchWriteItem, 25
#: items of 400 KB, or TransactWriteItems) stays well under 16 MB, AWS's documented cap.
MAX_REQUEST_BODY = 16 * MiB
#: Lambda accepts a 50 MB zip in CreateFunction/UpdateFunctionCode, base64 inside JSON (4/3).
MAX_LAMBDA_REQUEST_BODY = 70 * MiB
#: SigV4: a signed request is valid for 15 minutes either side of the server's clock.
SIGV4_CLOCK_SKEW_SECONDS = 15 * 60
#: SigV4 presigned URLs: X-Amz-Expires is at most 7 days.
SIGV4_MAX_PRESIGN_EXPIRES_SECONDS = 7 * 24 * 3600

# --- Accounts and regions ------------------------------------------------------------------
#: Account used when no credentials are configured.
DEFAULT_ACCOUNT_ID = "000000000000"
DEFAULT_REGION = "us-east-1"

# --- SNS -----------------------------------------------------------------------------------
#: Publish: message plus attributes, 256 KiB.
SNS_MAX_MESSAGE_BYTES = 256 * KiB
SNS_MAX_TOPIC_NAME_LENGTH = 256
SNS_MAX_PUBLISH_BATCH_ENTRIES = 10
SNS_MAX_MESSAGE_ATTRIBUTES = 10
SNS_LIST_PAGE_SIZE = 100
#: Subscription confirmation tokens are valid for 2 days.
SNS_CONFIRMATION_TOKEN_TTL_SECONDS = 2 * 24 * 3600
#: FIFO deduplication interval.
SNS_FIFO_DEDUP_WINDOW_SECONDS = 5 * 60
#: Filter policies: 150 value combinations, 5 keys.
SNS_FILTER_POLICY_MAX_COMBINATIONS = 150
SNS_FILTER_POLICY_MAX_KEYS = 5

# --- SQS -----------------------------------------------------------------------------------
SQS_MAX_MESSAGE_BYTES = 256 * KiB
SQS_MAX_QUEUE_NAME_LENGTH = 80
SQS_MAX_BATCH_ENTRIES = 10
SQS_MAX_BATCH_BYTES = 256 * KiB
SQS_MAX_RECEIVE_MESSAGES = 10
SQS_MAX_WAIT_SECONDS = 20
SQS_DEFAULT_VISIBILITY_TIMEOUT = 30
SQS_MAX_VISIBILITY_TIMEOUT = 12 * 3600
SQS_MAX_DELAY_SECONDS = 15 * 60
SQS_DEFAULT_RETENTION_SECONDS = 4 * 24 * 3600
SQS_MIN_RETENTION_SECONDS = 60
SQS_MAX_RETENTION_SECONDS = 14 * 24 * 3600
SQS_MAX_MESSAGE_ATTRIBUTES = 10
SQS_FIFO_DEDUP_WINDOW_SECONDS = 5 * 60
SQS_MAX_RECEIVE_COUNT = 1000
SQS_LIST_QUEUES_MAX_RESULTS = 1000

# --- DynamoDB ------------------------------------------------------------------------------
DDB_MAX_ITEM_BYTES = 400 * KiB
DDB_MAX_PAGE_BYTES = 1 * MiB
DDB_MAX_BATCH_GET_KEYS = 100
DDB_MAX_BATCH_WRITE_ITEMS = 25
DDB_MAX_TRANSACT_ITEMS = 100
DDB_MAX_TABLE_NAME_LENGTH = 255
DDB_MIN_TABLE_NAME_LENGTH = 3
DDB_MAX_HASH_KEY_BYTES = 2048
DDB_MAX_RANGE_KEY_BYTES = 1024
DDB_NUMBER_PRECISION = 38
DDB_MAX_EXPRESSION_BYTES = 4 * KiB
DDB_MAX_NESTING_DEPTH = 32
DDB_LIST_TABLES_MAX_LIMIT = 100
DDB_MAX_GSI = 20
#: DescribeLimits: the default per-account and per-table provisioned capacity quotas.
DDB_ACCOUNT_MAX_READ_CAPACITY_UNITS = 80_000
DDB_ACCOUNT_MAX_WRITE_CAPACITY_UNITS = 80_000
DDB_TABLE_MAX_READ_CAPACITY_UNITS = 40_000
DDB_TABLE_MAX_WRITE_CAPACITY_UNITS = 40_000
DDB_MAX_LSI = 5

# --- Lambda --------------------------------------------------------------------------------
LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3
LAMBDA_MAX_TIMEOUT_SECONDS = 900
LAMBDA_DEFAULT_MEMORY_MB = 128
LAMBDA_MIN_MEMORY_MB = 128
LAMBDA_MAX_MEMORY_MB = 10240
LAMBDA_SYNC_PAYLOAD_BYTES = 6 * MiB
LAMBDA_ASYNC_PAYLOAD_BYTES = 256 * KiB
LAMBDA_MAX_ZIP_BYTES = 50 * MiB
LAMBDA_MAX_UNZIPPED_BYTES = 250 * MiB
LAMBDA_TAIL_LOG_BYTES = 4 * KiB
LAMBDA_ACCOUNT_CONCURRENCY = 1000
LAMBDA_ASYNC_RETRIES = 2
LAMBDA_MAX_EVENT_AGE_SECONDS = 6 * 3600
LAMBDA_MAX_ENV_BYTES = 4 * KiB

# --- API Gateway ---------------------------------------------------------------------------
APIGW_INTEGRATION_TIMEOUT_SECONDS = 30
APIGW_WEBSOCKET_IDLE_SECONDS = 10 * 60
APIGW_WEBSOCKET_MAX_FRAME_BYTES = 32 * KiB
APIGW_WEBSOCKET_MAX_CONNECTION_SECONDS = 2 * 3600

# --- CloudWatch Logs -----------------------------------------------------------------------
LOGS_MAX_EVENT_BYTES = 256 * KiB
LOGS_MAX_BATCH_BYTES = 1 * MiB
LOGS_MAX_BATCH_EVENTS = 10_000
LOGS_GET_EVENTS_LIMIT = 10_000

# --- EventBridge ---------------------------------------------------------------------------
EVENTS_MAX_PUT_ENTRIES = 10
EVENTS_MAX_TARGETS_PER_RULE = 5
EVENTS_MAX_ENTRY_BYTES = 256 * KiB
