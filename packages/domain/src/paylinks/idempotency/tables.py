from piccolo.columns import Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class IdempotencyTable(Table, tablename="idempotency_record"):
    # sha256 of (caller scope, Idempotency-Key): unique, so two racing requests cannot
    # both run.
    id = Varchar(length=64, primary_key=True)
    request_hash = Varchar(length=64)
    status_code = Integer(null=True, default=None)
    content_type = Varchar(length=100, null=True, default=None)
    # The answer's body, encrypted (Fernet, from PAYLINKS_SECRET_KEY): it may hold a secret
    # that is shown once.
    body = Text(null=True, default=None)
    created_at = Timestamptz(index=True)
    # The attempt that holds the key while it runs, and until when: a claim whose request
    # never answered (a crash, a lost connection) may be taken over once the lease ends.
    # Both null once answered.
    lease_token = Varchar(length=32, null=True, default=None)
    leased_until = Timestamptz(null=True, default=None)
