"""gen_signature, as the assignment gives it. Given.

The canonical form of a transaction is its four fields as compact JSON, keys in alphabetical order:
{"amount":250,"payee":"Siam Paragon","payer":"Somchai K.","txid":"tx-3f9a1c0b77e2"}.
The signature is HMAC-SHA256 of it, keyed with your token, in base64.
"""

import base64
import hashlib
import hmac
import json


def gen_signature(txid, payer, payee, amount, token):
    canonical = json.dumps({'txid': txid, 'payer': payer, 'payee': payee, 'amount': amount},
                           sort_keys=True, separators=(',', ':'))
    digest = hmac.new(token.encode('utf-8'), canonical.encode('utf-8'), hashlib.sha256).digest()
    return base64.b64encode(digest).decode('ascii')
