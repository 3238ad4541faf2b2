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
