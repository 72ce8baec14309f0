"""The splice server: the multi-user front of a store (``splice serve``).

FastAPI + uvicorn, imported only here (``pip install splice[server]``), never by
``import splice``. See ``docs/server.md``.

- :mod:`.config`   where the stores and the control store live
- :mod:`.control`  tenants, users, hashed API tokens and role grants (SQLite)
- :mod:`.auth`     who may call what: roles per project, protected tags, act-as
- :mod:`.stores`   one store per tenant (``tenant_url``), opened on demand
- :mod:`.rpc`      ``POST /api/v1/<method>`` for every Backend method
- :mod:`.events`   Server-Sent Events and consumer-group pulls
- :mod:`.admin`    users, tokens and roles over HTTP (tenant admins)
- :mod:`.app`      ``create_app(config)``: middleware, error mapping, ``/health``
"""
