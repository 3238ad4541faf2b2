"""The queue of background jobs, and where Dramatiq's Redis broker keeps it: the worker
sends and takes jobs there, and the metrics of the API read its depth without importing
the worker."""

QUEUE = "default"

#: The Redis lists of a Dramatiq queue's message ids (namespace ``dramatiq``): the jobs
#: ready to be taken, and those waiting out a delay (``.DQ``). Taken jobs leave the lists.
REDIS_LISTS = {"ready": f"dramatiq:{QUEUE}", "delayed": f"dramatiq:{QUEUE}.DQ"}
