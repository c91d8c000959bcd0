"""
A local stand-in for the one Step Functions API call `tofu plan` makes: the AWS provider
validates every state machine definition it knows at plan time with
ValidateStateMachineDefinition. Offline there is no AWS, so `npm run validate` points the
provider's sfn endpoint here. The check is real: moto's port of the Amazon States Language
parser and static analysers (the same grammar as the service: states, intrinsic functions,
JSONPath), plus every transition (StartAt, Next, Default, Choices) naming a state of its
States block, recursively. Any other call is refused, so nothing else can quietly pass.

    python sfn-definition-check.py PORT
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from moto.stepfunctions.parser.asl.static_analyser.express_static_analyser import ExpressStaticAnalyser
from moto.stepfunctions.parser.asl.static_analyser.static_analyser import StaticAnalyser

TARGET = "AWSStepFunctions.ValidateStateMachineDefinition"


def dangling_transitions(block, where="definition"):
    """Transitions that name no state of their States block (Map and Parallel branches too)."""
    states = block.get("States", {})
    problems = []
    targets = [("StartAt", block.get("StartAt"))]
    for name, state in states.items():
        targets += [(f"{name}.Next", state.get("Next")), (f"{name}.Default", state.get("Default"))]
        targets += [(f"{name}.Choices[{i}].Next", c.get("Next")) for i, c in enumerate(state.get("Choices", []))]
        for i, branch in enumerate(state.get("Branches", [])):
            problems += dangling_transitions(branch, f"{where}.{name}.Branches[{i}]")
        for key in ("Iterator", "ItemProcessor"):
            if isinstance(state.get(key), dict):
                problems += dangling_transitions(state[key], f"{where}.{name}.{key}")
    for field, target in targets:
        if target is not None and target not in states:
            problems.append(f"{where}: {field} names {target!r}, which is not a state")
    return problems


def check(definition, machine_type):
    analyser = ExpressStaticAnalyser() if machine_type == "EXPRESS" else StaticAnalyser()
    try:
        analyser.analyse(definition)
    except Exception as error:  # the parser raises several types; each is a rejection
        return [f"{type(error).__name__}: {error}"[:1000]]
    return dangling_transitions(json.loads(definition))


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        if self.headers.get("X-Amz-Target") != TARGET:
            return self.answer(400, {"__type": "UnknownOperationException", "message": f"offline validate answers only {TARGET}"})
        problems = check(body.get("definition", ""), body.get("type", "STANDARD"))
        diagnostics = [{"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED", "message": p} for p in problems]
        self.answer(200, {"result": "FAIL" if problems else "OK", "diagnostics": diagnostics, "truncated": False})

    def answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
