"""gunicorn's settings for contactsite: scripts/docker-start, the tests and the benchmark
start gunicorn with this file, and gunicorn reads it by itself when started in this folder.

Workers, bind address and logs are on gunicorn's command line (scripts/docker-start).
"""

from contactsite.workers import ConnectionSlots

# gevent workers: a connection whose client sends or reads slowly (or not at
# all) holds a greenlet, not one of a few threads, so stalled connections
# cannot stop the others being answered. Each worker keeps up to this many.
# gunicorn's own gevent worker, except that a worker leaves a new connection
# for a moment to a sibling with fewer open (contactsite/workers.py): 8
# clients connecting at once split 4/4 over 2 workers, not 7/1 by chance.
worker_class = "contactsite.workers.BalancedGeventWorker"
worker_connections = 1000

# The workers' counts of open connections, shared: made here, in the master,
# before it forks them. A new or restarted worker (max_requests, a crash)
# gets a free slot; a worker that exited frees its own.
connection_slots = ConnectionSlots()


def pre_fork(server, worker):
    connection_slots.assign(worker)


def child_exit(server, worker):
    connection_slots.release(worker)


# gunicorn would itself take X-Forwarded-Proto, -Ssl and -Protocol from
# 127.0.0.1 as "this request came over HTTPS". Django decides that, and only
# when DJANGO_TRUST_X_FORWARDED_PROTO says so (SECURE_PROXY_SSL_HEADER).
secure_scheme_headers = {}
forwarded_allow_ips = ""

# No reuse_port: with it, each worker listens on its own socket and the kernel
# hashes each new connection to one of them, at random. 8 clients connecting
# at once then split binomially: in 20 bursts, 18 left one worker with more
# than 60 % of them (1/7 four times), against 3 of 20 (never worse than 3/5)
# on the one shared socket with gunicorn's own gevent worker. The workers'
# shared counts (above) need the one socket: a worker can only leave a
# connection to a sibling that could accept it. docs/performance.md has the
# measurements ("The workers' connection gate").
