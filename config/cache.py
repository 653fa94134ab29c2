"""Django's ``RedisCache`` with one client object per server (``CACHES`` with ``REDIS_URL``).

Django's client builds a new ``redis.Redis`` around the shared connection pool for every call
(``get``, ``set``, ``get_many`` …); redis-py fills a table of some 170 reply callbacks in that
constructor, about 0.3 ms of CPU, which was a third of a page served from the page cache. A
``redis.Redis`` is safe to share between threads (each command borrows a connection from the
pool), so one per pool serves them all.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
