"""Step 2: sign every transaction of transactions.jsonl with gen_signature and your token, and
write {"txid", "signature"} lines to signatures.jsonl.

    python3 transaction-verifier/python/sign_transactions.py
"""

import json

from gen_signature import gen_signature
from handout import token
from workspace import in_workspace

with open(in_workspace('transactions.jsonl'), encoding='utf-8') as f:
    transactions = [json.loads(line) for line in f if line.strip()]

with open(in_workspace('signatures.jsonl'), 'w', encoding='utf-8') as out:
    for tx in transactions:
        signature = gen_signature(tx['txid'], tx['payer'], tx['payee'], tx['amount'], token)
        print(tx['txid'], signature)
        out.write(json.dumps({'txid': tx['txid'], 'signature': signature}) + '\n')
