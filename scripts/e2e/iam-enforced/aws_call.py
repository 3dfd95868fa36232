"""
One AWS API call with boto3 (moto's own dependency) against the emulator, signed with the
credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) and
sent to AWS_ENDPOINT_URL. Prints one JSON line: {"ok": true, "result": ...} or
{"ok": false, "code": "AccessDenied", "message": "..."}.

Usage: python3 aws_call.py SERVICE OPERATION '{"Param": "value"}'
"""
import json
import os
import sys

import boto3
from botocore.exceptions import ClientError

service, operation, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3] if len(sys.argv) > 3 else "{}")
client = boto3.client(service, endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name=os.environ.get("AWS_REGION", "eu-west-1"))
try:
    result = getattr(client, operation)(**params)
    result.pop("ResponseMetadata", None)
    print(json.dumps({"ok": True, "result": result}, default=str))
except ClientError as e:
    error = e.response.get("Error", {})
    print(json.dumps({"ok": False, "code": error.get("Code") or str(e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")), "message": error.get("Message") or str(e)}))
