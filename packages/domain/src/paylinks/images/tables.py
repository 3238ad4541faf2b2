from piccolo.columns import Bytea, Integer, Timestamptz, Varchar
from piccolo.table import Table


class ImageTable(Table, tablename="image"):
    id = Varchar(length=40, primary_key=True)
    store_id = Varchar(length=40, index=True)
    content_type = Varchar(length=32)
    width = Integer()
    height = Integer()
    data = Bytea()
    created_at = Timestamptz()
