#!/usr/bin/env python3
"""A small aiocoap OSCORE server for the `bulwark coap` interop tests.

    python3 aiocoap_server.py CONTEXT_DIR

CONTEXT_DIR holds aiocoap's FilesystemSecurityContext files (settings.json, and sequence.json
with "received": "unknown" for a server that lost its replay window and recovers with Echo),
written by the test. The server binds a free UDP port on 127.0.0.1, prints `ready PORT` on
stdout, and serves until it is killed:

  /hello   GET     2.05 "Hello World!"            (OSCORE only; a plain request gets 4.01)
  /echo    POST    2.04 b"got:" + payload         (OSCORE only)
           PUT     2.04 b"put:" + payload         (OSCORE only)
           DELETE  2.02 Deleted                   (OSCORE only)
  /plain   GET     2.05 "plain"                   (no protection needed)
  anything else    4.04 Not Found
"""

import asyncio
import socket
import sys

import aiocoap
import aiocoap.resource as resource
from aiocoap.credentials import CredentialsMap
from aiocoap.oscore_sitewrapper import OscoreSiteWrapper
from aiocoap.transports.oscore import OSCOREAddress


def protected(request):
    if not isinstance(request.remote, OSCOREAddress):
        raise aiocoap.error.Unauthorized("OSCORE required")


class Hello(resource.Resource):
    async def render_get(self, request):
        protected(request)
        return aiocoap.Message(code=aiocoap.CONTENT, payload=b"Hello World!")


class Echo(resource.Resource):
    async def render_post(self, request):
        protected(request)
        return aiocoap.Message(code=aiocoap.CHANGED, payload=b"got:" + request.payload)

    async def render_put(self, request):
        protected(request)
        return aiocoap.Message(code=aiocoap.CHANGED, payload=b"put:" + request.payload)

    async def render_delete(self, request):
        protected(request)
        return aiocoap.Message(code=aiocoap.DELETED)


class Plain(resource.Resource):
    async def render_get(self, request):
        return aiocoap.Message(code=aiocoap.CONTENT, payload=b"plain")


async def main(context_dir):
    site = resource.Site()
    site.add_resource(["hello"], Hello())
    site.add_resource(["echo"], Echo())
    site.add_resource(["plain"], Plain())
    credentials = CredentialsMap()
    credentials.load_from_dict({":client": {"oscore": {"contextfile": context_dir}}})
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    await aiocoap.Context.create_server_context(
        OscoreSiteWrapper(site, credentials),
        bind=("127.0.0.1", port),
        server_credentials=credentials,
        transports=["udp6"],
    )
    print("ready %d" % port, flush=True)
    await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
