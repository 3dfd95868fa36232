"""
moto_server with IAM enforcement, and the fidelity fixes the IAM-enforced e2e tier needs. Measured
with moto 5.2.1 (scripts/e2e/iam-enforced/README.md):

1. moto passes the resource "*" to its policy check for every action except IAM actions naming an
   existing role, sts:AssumeRole, SQS and S3. A statement scoped to ARNs then never matches, so a
   least-privilege role is denied everything. Here the request's resource ARN is derived from its
   parameters, as AWS names it, for the operations a product stack uses: IAM CreateRole, SSM
   parameters, Secrets Manager secrets, CloudWatch Logs log groups and Lambda Invoke. moto's own
   evaluator still decides (action and resource matching; it ignores every Condition).
2. AssumeRoleWithWebIdentity is an unsigned call in AWS (the web identity token authenticates it);
   moto 5.2.1 fails with KeyError HTTP_AUTHORIZATION under enforcement. It is let through
   unauthenticated, as AWS does; moto does not check the token or the trust policy (AWS would: the
   tier's iam-simulate rows evaluate the trust policy).
3. moto 5.2.1 checks an operation as `<service>:<operation>`; Lambda's Invoke is the IAM action
   lambda:InvokeFunction (measured: HTTP 403 on the revocation's aws_lambda_invocation with
   lambda:InvokeFunction allowed on the function). Mapped here.
4. moto 5.2.1 recomputes the signature over the decoded path and query, so a request whose path
   holds an ARN (Terraform invokes a Lambda function by ARN, `?Qualifier=$LATEST`) failed with
   SignatureDoesNotMatch (measured, as the administrator too). The request line as sent is used.
5. moto 5.2.1 recomputes the SigV4 signature of a GET or DELETE request over its parsed parameters
   instead of the empty body, so every signed API Gateway read fails with SignatureDoesNotMatch
   (measured: GetRestApi right after CreateRestApi as an administrator). The signature is checked
   over the body the client signed.

Usage: python3 moto_iam_server.py -H 127.0.0.1 -p PORT   (with INITIAL_NO_AUTH_ACTION_COUNT set)
"""
import json
import sys
import threading
from urllib.parse import unquote

from botocore.awsrequest import AWSRequest

from moto.core.authorization import ActionAuthenticatorMixin
from moto.core.responses import BaseResponse
from moto.iam.access_control import IAMRequestBase
from moto.iam.responses import IamResponse
from moto.awslambda.responses import LambdaResponse
from moto.logs.responses import LogsResponse
from moto.secretsmanager.responses import SecretsManagerResponse
from moto.ssm.responses import SimpleSystemManagerResponse

_original_authorize = ActionAuthenticatorMixin._authenticate_and_authorize_action


# The request line as the client sent it (percent-encoded), for the signature check: see
# _create_aws_request. One request per thread at a time, so a thread-local carries it.
_request = threading.local()
_original_setup_class = BaseResponse.setup_class


def _setup_class(self, request, full_url, headers, *args, **kwargs):
    environ = getattr(request, "environ", None)
    self._raw_uri = environ.get("RAW_URI") if isinstance(environ, dict) else None
    return _original_setup_class(self, request, full_url, headers, *args, **kwargs)


BaseResponse.setup_class = _setup_class


def _authorize(self, iam_request_cls, resource="*"):
    if "Authorization" not in self.headers and "AssumeRoleWithWebIdentity" in (self.querystring.get("Action") or []):
        return
    _request.raw_uri = getattr(self, "_raw_uri", None)
    try:
        return _original_authorize(self, iam_request_cls, resource)
    finally:
        _request.raw_uri = None


ActionAuthenticatorMixin._authenticate_and_authorize_action = _authorize


def _create_aws_request(self):
    signed_headers = self._get_string_between("SignedHeaders=", ",", self._headers["Authorization"]).split(";")
    headers = self._create_headers_for_aws_request(signed_headers, self._headers)
    body = self._body if self._body else (b"" if self._method in ("GET", "HEAD", "DELETE") else self._data)
    # The client signs the path and query as it sent them (`arn%3Aaws%3A...`, `Qualifier=%24LATEST`);
    # moto rebuilt them decoded, so any path with an ARN (Lambda Invoke by ARN) failed the check.
    raw_uri = getattr(_request, "raw_uri", None)
    request = AWSRequest(method=self._method, url=raw_uri or self._path, data=body, headers=headers)
    request.context["timestamp"] = headers["X-Amz-Date"]
    return request


IAMRequestBase._create_aws_request = _create_aws_request

# API operations whose IAM action has another name (Service Authorization Reference): moto checks
# `<service>:<operation>`, so Lambda's Invoke was checked as lambda:Invoke, which no policy names.
IAM_ACTION_OF_OPERATION = {"lambda:Invoke": "lambda:InvokeFunction"}
_original_init = IAMRequestBase.__init__


def _init(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    self._action = IAM_ACTION_OF_OPERATION.get(self._action, self._action)


IAMRequestBase.__init__ = _init


def _json_body(response):
    try:
        return json.loads(response.body or "{}")
    except (ValueError, TypeError):
        return {}


def _ssm_resource(self):
    body = _json_body(self)
    name = body.get("Name") or (body.get("ResourceId") if body.get("ResourceType") in (None, "Parameter") else None)
    if not name:
        return "*"
    return f"arn:aws:ssm:{self.region}:{self.current_account}:parameter/{name.lstrip('/')}"


def _secret_resource(self):
    body = _json_body(self)
    secret = body.get("SecretId")
    if secret:
        return secret if secret.startswith("arn:") else f"arn:aws:secretsmanager:{self.region}:{self.current_account}:secret:{secret}"
    if body.get("Name"):
        # CreateSecret: the ARN gets a 6-character suffix AWS chooses.
        return f"arn:aws:secretsmanager:{self.region}:{self.current_account}:secret:{body['Name']}-AbCdEf"
    return "*"


def _logs_resource(self):
    body = _json_body(self)
    if body.get("resourceArn"):
        return body["resourceArn"]
    if body.get("logGroupName"):
        return f"arn:aws:logs:{self.region}:{self.current_account}:log-group:{body['logGroupName']}"
    return "*"


def _lambda_resource(self):
    # /2015-03-31/functions/<name or ARN>/<sub-resource>: the function named in the path.
    parts = [unquote(p) for p in self.path.split("?")[0].split("/") if p]
    if "functions" in parts and parts.index("functions") + 1 < len(parts):
        name = parts[parts.index("functions") + 1]
        if name.startswith("arn:"):
            return name
        return f"arn:aws:lambda:{self.region}:{self.current_account}:function:{name}"
    return "*"


_original_iam_resource = IamResponse._determine_resource


def _iam_resource(self):
    if "CreateRole" in (self.querystring.get("Action") or []) and "RoleName" in self.data:
        path = (self.data.get("Path") or ["/"])[0]
        return f"arn:aws:iam::{self.current_account}:role{path}{self.data['RoleName'][0]}"
    return _original_iam_resource(self)


IamResponse._determine_resource = _iam_resource
SimpleSystemManagerResponse._determine_resource = _ssm_resource
SecretsManagerResponse._determine_resource = _secret_resource
LogsResponse._determine_resource = _logs_resource
LambdaResponse._determine_resource = _lambda_resource

if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])
