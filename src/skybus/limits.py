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
#: Lambda's request limit (a 50 MB zip, base64 inside JSON), as its error message states it.
MAX_LAMBDA_REQUEST_BODY = 70_167_211
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
#: Filter policies: the policy text is at most 256 KB.
SNS_FILTER_POLICY_MAX_BYTES = 256 * KiB
#: Filter policies: numbers compare numerically between -1e9 and 1e9 (5 decimals documented;
#: compared to 6 decimals as AWS's rule engine does).
SNS_FILTER_POLICY_NUMBER_LIMIT = 1_000_000_000
#: Subject: fewer than 100 characters. Message attribute names: at most 256 characters.
SNS_MAX_SUBJECT_LENGTH = 100
SNS_MAX_ATTRIBUTE_NAME_LENGTH = 256
SNS_MAX_TAGS = 50
#: A FIFO topic has at most 100 subscriptions.
SNS_FIFO_MAX_SUBSCRIPTIONS = 100
#: HTTP/S delivery policy: numRetries 0..100, delays up to 3,600 s, and the whole retry
#: schedule within 3,600 s (a hard limit).
SNS_MAX_HTTP_RETRIES = 100
SNS_MAX_RETRY_DELAY_SECONDS = 3600
SNS_MAX_RETRY_TIME_SECONDS = 3600
#: An HTTP/S endpoint must answer within 15 seconds.
SNS_HTTP_TIMEOUT_SECONDS = 15.0
#: Skybus: the HTTP timeout never drops below this, whatever SKYBUS_SNS_TIME_SCALE says.
SNS_MIN_HTTP_TIMEOUT_SECONDS = 2.0
#: Skybus: signing key (RSA, as AWS's) and the validity of its self-signed certificate.
SNS_SIGNING_KEY_BITS = 2048
SNS_CERTIFICATE_DAYS = 3650
SNS_SIGNING_THREADS = 2
SNS_SIGNATURE_CACHE_SIZE = 4096
#: Skybus: messages are signed as they are published (ahead of delivery) only while fewer than
#: this many signatures wait to be computed.
SNS_PRESIGN_MAX_PENDING = 32
#: Skybus: confirmation tokens a subscription keeps valid at once (lease renewals add more).
SNS_MAX_LIVE_TOKENS = 8
#: Skybus: SkybusLeaseSeconds of an HTTP/S subscription, from one minute to 30 days.
SNS_MIN_LEASE_SECONDS = 60
SNS_MAX_LEASE_SECONDS = 30 * 24 * 3600
#: Skybus delivery workers: lease on a claimed delivery (renewed while it waits), jobs claimed
#: per store call, deliveries held per node at once, idle wait between looks at the outbox.
SNS_DELIVERY_LEASE_SECONDS = 30.0
SNS_CLAIM_BATCH = 128
SNS_MAX_IN_FLIGHT = 2048
SNS_DELIVERY_POLL_SECONDS = 1.0
#: Skybus: due times of retries and deferrals a node remembers to wake up for (past it, the
#: poll finds them).
SNS_MAX_DUE_TIMES = 100_000
#: Skybus lanes: concurrent attempts per subscription per node, claimed jobs that may wait for
#: a lane, the answer time assumed before one is measured, and the longest a busy lane defers a job
#: (times SKYBUS_SNS_TIME_SCALE).
SNS_LANE_CONCURRENCY = 16
SNS_LANE_BUFFER = 256
SNS_LANE_INITIAL_LATENCY_SECONDS = 0.05
SNS_MAX_DEFER_SECONDS = 30.0
#: Skybus: idle keep-alive connections kept per endpoint origin.
SNS_HTTP_IDLE_CONNECTIONS = 64
#: Skybus: settling claimed jobs in batches of this many, after at most this long.
SNS_SETTLE_BATCH = 64
SNS_SETTLE_LINGER_SECONDS = 0.002
#: Skybus: a delivery whose target engine is missing on this node is tried again this often.
SNS_PENDING_RETRY_SECONDS = 30.0
#: Skybus: delivery counters reach the store this often; failures are logged at most this often
#: per subscription.
SNS_STATS_FLUSH_SECONDS = 1.0
SNS_FAILURE_LOG_INTERVAL_SECONDS = 10.0
#: Skybus: subscription settings are cached by delivery workers this long (and this many).
SNS_SETTINGS_CACHE_SECONDS = 1.0
SNS_SETTINGS_CACHE_ENTRIES = 100_000
#: Skybus: topics whose subscription lists Publish keeps in memory per node.
SNS_FANOUT_CACHE_TOPICS = 10_000
#: Skybus: expired FIFO deduplication ids and unsubscriptions are swept this often.
SNS_SWEEP_SECONDS = 60.0
SNS_SWEEP_BATCH = 1000

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
#: Since August 2025 a message (body plus attributes) and a whole batch may hold 1 MiB; this is
#: also MaximumMessageSize's default and ceiling. (SQS_MAX_MESSAGE_BYTES above is the earlier
#: 256 KiB, which is still what SNS can deliver in one message.)
SQS_MAX_PAYLOAD_BYTES = 1 * MiB
SQS_MIN_MAXIMUM_MESSAGE_SIZE = 1 * KiB
SQS_MAX_ATTRIBUTE_NAME_LENGTH = 256
SQS_MAX_ATTRIBUTE_TYPE_LENGTH = 256
#: MessageGroupId, MessageDeduplicationId and ReceiveRequestAttemptId.
SQS_MAX_FIFO_ID_LENGTH = 128
SQS_MAX_BATCH_ENTRY_ID_LENGTH = 80
#: ReceiveRequestAttemptId: a retry within this window returns the same messages.
SQS_RECEIVE_ATTEMPT_WINDOW_SECONDS = 5 * 60
#: PurgeQueue: one purge per queue per minute.
SQS_PURGE_INTERVAL_SECONDS = 60
SQS_DEFAULT_KMS_REUSE_SECONDS = 300
SQS_MIN_KMS_REUSE_SECONDS = 60
SQS_MAX_KMS_REUSE_SECONDS = 24 * 3600
#: RedriveAllowPolicy byQueue: at most 10 source queue ARNs.
SQS_MAX_REDRIVE_ALLOW_SOURCES = 10
#: StartMessageMoveTask: MaxNumberOfMessagesPerSecond is at most 500.
SQS_MAX_MOVE_RATE = 500
#: ListMessageMoveTasks: the most recent tasks of a queue, 1 by default and 10 at most.
SQS_MAX_MOVE_TASKS_LISTED = 10
#: Skybus: a long poll looks at its queue again at least this often, for changes no wake-up
#: reaches it about (another node's visibility timeouts and delays running out).
SQS_LONG_POLL_RECHECK_SECONDS = 1.0
#: Skybus: messages a move task moves in one transaction.
SQS_MOVE_BATCH = 10

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
#: Numbers: the decimal exponent of the first significant digit (1E-130 .. 9.99..E+125).
DDB_NUMBER_MAX_EXPONENT = 125
DDB_NUMBER_MIN_EXPONENT = -130
#: Tables per account and region (AWS's default quota).
DDB_MAX_TABLES = 2500
#: ProvisionedThroughput above this is "out of bounds" (AWS's hard ceiling on the value).
DDB_MAX_CAPACITY_UNITS = 1_000_000_000_000
#: Operators (comparators, AND, OR, NOT, IN, +, -) in one expression.
DDB_MAX_EXPRESSION_OPERATORS = 300
#: Operands of IN.
DDB_MAX_IN_OPERANDS = 100
#: ExpressionAttributeNames / ExpressionAttributeValues keys, placeholder character included.
DDB_MAX_PLACEHOLDER_BYTES = 255
#: Skybus: parentheses and function calls nested in one expression (bounds the parser's
#: recursion; AWS's operator limit already bounds nesting through operators).
DDB_MAX_EXPRESSION_DEPTH = 160
DDB_MAX_TAGS = 50
DDB_MAX_TAG_KEY_LENGTH = 128
DDB_MAX_TAG_VALUE_LENGTH = 256
#: BatchGetItem: at most this much item data in one response; the rest is UnprocessedKeys.
DDB_MAX_BATCH_GET_BYTES = 16 * MiB
#: Capacity units: one write unit per KB written, one read unit per 4 KB read consistently.
DDB_WRITE_UNIT_BYTES = 1 * KiB
DDB_READ_UNIT_BYTES = 4 * KiB

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
#: /tmp size: 512 MB by default, up to 10,240 MB.
LAMBDA_DEFAULT_EPHEMERAL_MB = 512
LAMBDA_MAX_EPHEMERAL_MB = 10240
#: PutFunctionConcurrency keeps at least this much of the account's concurrency unreserved.
LAMBDA_MIN_UNRESERVED_CONCURRENCY = 100
#: ListFunctions / ListVersionsByFunction / ListAliases answer 50 items per page by default.
LAMBDA_LIST_PAGE_SIZE = 50
LAMBDA_MAX_TAGS = 50
#: A function's resource-based policy is at most 20 KB.
LAMBDA_MAX_POLICY_BYTES = 20 * KiB
#: "Total code storage" reported by GetAccountSettings: 75 GB.
LAMBDA_TOTAL_CODE_STORAGE_BYTES = 80_530_636_800
#: Invoke's X-Amz-Client-Context (base64 JSON).
LAMBDA_CLIENT_CONTEXT_BYTES = 3583
#: Alias routing: one additional version, weights between 0 and 1.
LAMBDA_MAX_ALIAS_ADDITIONAL_VERSIONS = 1
#: Async invocation: delays before the 2nd and 3rd attempt after a function error.
LAMBDA_ASYNC_RETRY_DELAYS_SECONDS = (60.0, 120.0)
#: Async invocation: throttles and system errors back off from 1 s up to 5 minutes.
LAMBDA_ASYNC_BACKOFF_MIN_SECONDS = 1.0
LAMBDA_ASYNC_BACKOFF_MAX_SECONDS = 5 * 60.0
#: DLQ message attribute ErrorMessage carries the first 1 KB of the error message.
LAMBDA_DLQ_ERROR_MESSAGE_BYTES = 1 * KiB
#: Skybus: zips are stored in chunks of this size.
LAMBDA_CODE_CHUNK_BYTES = 1 * MiB
#: Skybus: lease on a claimed async invocation, renewed while it runs; a node that dies with
#: the job in hand lets it become due again after this long.
LAMBDA_ASYNC_LEASE_SECONDS = 30.0
#: Skybus: how often idle async workers look for due jobs (they are also woken on enqueue).
LAMBDA_ASYNC_POLL_SECONDS = 1.0
#: Skybus: async invocations run at once per node.
LAMBDA_ASYNC_WORKERS = 8
#: Event source mappings on SQS: 10 records per batch by default and at most 10 without a
#: batching window, up to 10,000 with one (FIFO queues take no window); the window is at most
#: 300 s; ListEventSourceMappings answers at most 100 mappings per page.
LAMBDA_SQS_DEFAULT_BATCH_SIZE = 10
LAMBDA_SQS_MAX_BATCH_WITHOUT_WINDOW = 10
LAMBDA_SQS_MAX_BATCH_SIZE = 10_000
LAMBDA_MAX_BATCHING_WINDOW_SECONDS = 300
LAMBDA_MAPPINGS_PAGE_SIZE = 100
#: Skybus mapping pollers: batches one mapping runs at once on each node (unless ScalingConfig's
#: MaximumConcurrency says otherwise), the long poll of an idle poller, the back-off after a
#: throttle or a missing function or queue, and how often every node re-reads the mappings
#: (changes also wake them at once).
LAMBDA_MAPPING_CONCURRENCY = 5
LAMBDA_MAPPING_LONG_POLL_SECONDS = 20
LAMBDA_MAPPING_BACKOFF_MIN_SECONDS = 0.1
LAMBDA_MAPPING_BACKOFF_MAX_SECONDS = 10.0
LAMBDA_MAPPING_RESYNC_SECONDS = 5.0

# --- Lambda worker processes (this node's capacity; no AWS counterpart unless named) -------
#: Worker processes one node runs at once, over all functions. Past it, idle workers of other
#: functions are retired to make room, and an invoke that still finds none is throttled.
LAMBDA_NODE_MAX_WORKERS = 256
#: A function version's extra workers (beyond its one warm worker) retire after this idle time.
LAMBDA_WORKER_IDLE_SECONDS = 120.0
#: A version's last warm worker retires after this long without an invocation.
LAMBDA_POOL_KEEP_WARM_SECONDS = 3600.0
#: Lambda's init phase limit: a worker that is not ready by then is killed.
LAMBDA_INIT_TIMEOUT_SECONDS = 10.0
#: The largest function result the Runtime API accepts (6 MB plus 100 bytes, as AWS reports).
LAMBDA_MAX_RESPONSE_BYTES = 6_291_556
#: Installing awslambdaric for another interpreter (first use of that runtime) may take this.
LAMBDA_RUNTIME_INSTALL_SECONDS = 300.0
#: Open files per execution environment (Lambda's quota), set on each worker process.
LAMBDA_MAX_FILE_DESCRIPTORS = 1024
#: Open files Skybus asks for itself (soft limit, up to the hard one): each worker holds a few.
LAMBDA_NODE_FILE_DESCRIPTORS = 65536

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
#: PutLogEvents counts each event as its UTF-8 message plus 26 bytes towards the batch size.
LOGS_EVENT_OVERHEAD_BYTES = 26
#: Events more than 2 hours ahead or 14 days behind are rejected, the rest of the batch kept.
LOGS_MAX_EVENT_FUTURE_MS = 2 * 3600 * 1000
LOGS_MAX_EVENT_AGE_MS = 14 * 24 * 3600 * 1000
#: The accepted events of one batch may span at most 24 hours.
LOGS_MAX_BATCH_SPAN_MS = 24 * 3600 * 1000
#: A page of GetLogEvents / FilterLogEvents holds at most 1 MB of events.
LOGS_MAX_PAGE_BYTES = 1 * MiB
#: DescribeLogGroups / DescribeLogStreams: 50 items per page by default and at most.
LOGS_DESCRIBE_LIMIT = 50
LOGS_MAX_TAGS = 50
LOGS_MAX_GROUP_NAME_LENGTH = 512
#: PutRetentionPolicy accepts exactly these periods.
LOGS_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)
#: FilterLogEvents examines at most this many events per call; the page may come back partial.
LOGS_FILTER_SCAN_EVENTS = 10_000
#: FilterLogEvents with startFromHead=false needs a startTime on or after 2024-01-01 UTC.
LOGS_DESCENDING_MIN_START_MS = 1_704_067_200_000

# --- EventBridge ---------------------------------------------------------------------------
EVENTS_MAX_PUT_ENTRIES = 10
EVENTS_MAX_TARGETS_PER_RULE = 5
EVENTS_MAX_ENTRY_BYTES = 256 * KiB
