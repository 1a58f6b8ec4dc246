"""The `lsp-codegen` command: serve, generate, doctor, eval, stats."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from lsp_codegen.server.jsonrpc.framing import DEFAULT_MAX_CONTENT_LENGTH


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `lsp-codegen` console script."""
    args = _parser().parse_args(argv)
    _configure_logging(args.log_level, getattr(args, "log_file", None))
    result: int = args.run(args)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lsp-codegen", description=__doc__)
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING or ERROR")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    _add_serve(commands)
    _add_generate(commands)
    _add_doctor(commands)
    _add_eval(commands)
    _add_stats(commands)
    return parser


def _add_serve(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser("serve", help="run the language server (stdio by default)")
    transport = serve.add_mutually_exclusive_group()
    transport.add_argument("--stdio", action="store_true", help="speak LSP on stdin/stdout")
    transport.add_argument(
        "--tcp", metavar="HOST:PORT", help="listen on TCP for several editors at once"
    )
    transport.add_argument("--ws", metavar="HOST:PORT", help="listen on a WebSocket")
    serve.add_argument("--log-file", help="write the server log here instead of stderr")
    serve.add_argument(
        "--max-message-bytes",
        type=_positive_int,
        default=DEFAULT_MAX_CONTENT_LENGTH,
        help="skip (and log) LSP messages larger than this (default: 64 MiB)",
    )
    serve.set_defaults(run=_serve)


def _add_generate(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    generate = commands.add_parser(
        "generate", help="generate code for a comment prompt in FILE, without an editor"
    )
    generate.add_argument("file", help="a source file holding a comment prompt")
    generate.add_argument("--line", type=int, required=True, help="1-based line of the prompt")
    generate.add_argument("--n", type=int, default=4, help="number of candidates")
    generate.add_argument(
        "--trace",
        action="store_true",
        help="also print the trace: each stage's time, each candidate's fate and why",
    )
    _add_model_options(generate)
    generate.set_defaults(run=_generate)


def _add_doctor(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    doctor = commands.add_parser("doctor", help="check torch, the device and the model")
    _add_model_options(doctor)
    doctor.add_argument(
        "--remote",
        metavar="URL",
        help="probe the OpenAI-compatible server at URL (e.g. http://host:8000/v1) instead, "
        "and print the settings to paste",
    )
    doctor.set_defaults(run=_doctor)


def _add_eval(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    evaluate = commands.add_parser(
        "eval", help="measure pass rates on problems with hidden tests, and write a report"
    )
    source = evaluate.add_mutually_exclusive_group()
    source.add_argument("--problems", metavar="PATH", help="a HumanEval-format .jsonl(.gz) file")
    source.add_argument(
        "--set",
        choices=("humaneval", "ours", "ours-js"),
        default="humaneval",
        help="a named problem set: humaneval (default), ours (bench/problems, Python) or "
        "ours-js (JavaScript and TypeScript; TypeScript needs typescript in the current "
        "folder's node_modules, or Node 22.6+)",
    )
    evaluate.add_argument(
        "--limit", type=_positive_int, metavar="K", help="run only the first K problems"
    )
    evaluate.add_argument(
        "--n", type=int, default=4, help="candidates per problem (1 to 16, default 4)"
    )
    evaluate.add_argument(
        "--out", default="eval-report", metavar="DIR", help="report folder (default eval-report/)"
    )
    evaluate.add_argument(
        "--strip-examples",
        action="store_true",
        help="take the worked examples out of the prompts (doctests, f(x) == y lines, "
        '"For example" sections): what a comment without examples gets',
    )
    evaluate.add_argument(
        "--ranking",
        choices=("thorough", "inline"),
        default="thorough",
        help="thorough (default): also run the prompt's examples and lint, as explicit "
        "actions do; inline: only the cheap gates, as inline completion does",
    )
    evaluate.add_argument(
        "--max-time-ms",
        type=int,
        default=None,
        metavar="MS",
        help="the `maxTimeMs` setting: each problem's generation budget (default 30000); "
        "raise it on a busy machine, where the budget, not the model, ends candidates",
    )
    evaluate.add_argument(
        "--timeout",
        type=_positive_float,
        default=None,
        metavar="SECONDS",
        help="time limit per candidate's test run (default: the sandbox's)",
    )
    evaluate.add_argument(
        "--python", default=None, metavar="PATH", help="the Python that runs the tests"
    )
    evaluate.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME=SETTINGS",
        help="compare settings side by side in one run (give it twice or more): NAME and "
        "camelCase JSON laid over the other flags, e.g. flat='{\"temperatureSpread\": 0}'; "
        "every problem runs under each variant in turn; one report per variant in "
        "OUT/NAME/, the comparison in OUT/comparison.json",
    )
    _add_model_options(evaluate)
    evaluate.set_defaults(run=_eval)


def _add_stats(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    stats = commands.add_parser(
        "stats",
        help="acceptance, retention and latency from the local statistics (never sent anywhere)",
    )
    stats.add_argument(
        "--since", type=_positive_float, metavar="DAYS", help="only the last DAYS days"
    )
    stats.add_argument("--file", help="the statistics file (default: the user cache dir's)")
    stats.add_argument(
        "--html", metavar="FILE", help="also write the report with a retention chart as HTML"
    )
    stats.set_defaults(run=_stats)


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return number


def _positive_float(value: str) -> float:
    number = float(value)
    if not number > 0:  # also rejects NaN
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value}")
    return number


def _add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", default="default", help="the `model` setting")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or mps")
    parser.add_argument("--max-new-tokens", type=int, default=None)
    parser.add_argument(
        "--engine", default=None, help="the `engine` setting: auto, local, llamacpp or remote"
    )
    parser.add_argument("--remote-url", default=None, help="the `remote.url` setting")
    parser.add_argument("--remote-model", default=None, help="the `remote.model` setting")
    parser.add_argument(
        "--remote-api-key-env",
        default=None,
        metavar="NAME",
        help="the `remote.apiKeyEnv` setting: the environment variable holding the API key",
    )
    parser.add_argument(
        "--remote-timeout-ms", type=int, default=None, help="the `remote.timeoutMs` setting"
    )


def _configure_logging(level: str, log_file: str | None) -> None:
    # Never stdout: in stdio mode it carries the LSP stream.
    handler: logging.Handler = (
        logging.FileHandler(log_file) if log_file else logging.StreamHandler(sys.stderr)
    )
    logging.basicConfig(
        level=level.upper(),
        handlers=[handler],
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # pygls logs every message at INFO; keep its noise for --log-level DEBUG.
    if logging.getLogger().level > logging.DEBUG:
        logging.getLogger("pygls").setLevel(logging.WARNING)


def _host_port(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise SystemExit(f"lsp-codegen: expected HOST:PORT, got {value!r}")
    return host, int(port)


def _serve(args: argparse.Namespace) -> int:
    if args.tcp:
        from lsp_codegen.server.tcp import serve_tcp

        return serve_tcp(*_host_port(args.tcp), args.max_message_bytes)
    from lsp_codegen.server.build import create_server
    from lsp_codegen.server.jsonrpc.transport import serve_stdio, serve_websocket

    server = create_server()
    if args.ws:
        serve_websocket(server, *_host_port(args.ws), args.max_message_bytes)
    serve_stdio(server, args.max_message_bytes)


def _generate(args: argparse.Namespace) -> int:
    from lsp_codegen.commands.generate import run_generate

    return run_generate(args)


def _doctor(args: argparse.Namespace) -> int:
    from lsp_codegen.commands.doctor import run_doctor

    return run_doctor(args)


def _eval(args: argparse.Namespace) -> int:
    from lsp_codegen.commands.eval import run_eval

    return run_eval(args)


def _stats(args: argparse.Namespace) -> int:
    from lsp_codegen.commands.stats import run_stats

    return run_stats(args)
