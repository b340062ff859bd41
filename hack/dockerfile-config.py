#!/usr/bin/env python3
"""Prints the umoci config flags for the final stage of a Dockerfile (USER, ENV, EXPOSE, WORKDIR, ENTRYPOINT,
CMD), one per line, so hack/images.sh gives its images exactly the configuration images/*.Dockerfile declares.

Usage: dockerfile-config.py FILE [BASE_PATH]   (BASE_PATH: the base image's PATH, for ${PATH} in ENV)
       dockerfile-config.py --destinations FILE (the paths the final stage COPYs to, one per line)
"""
import json
import shlex
import sys


def instructions(text):
    """(KEYWORD, arguments) of each instruction, continuation lines joined, comments dropped."""
    logical, current = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        logical.append(current + stripped)
        current = ""
    for line in logical:
        keyword, _, rest = line.partition(" ")
        yield keyword.upper(), rest.strip()


def final_stage(text):
    stage = []
    for keyword, rest in instructions(text):
        if keyword == "FROM":
            stage = []
        else:
            stage.append((keyword, rest))
    return stage


def config_flags(stage, base_path):
    env = {"PATH": base_path}
    flags = []
    for keyword, rest in stage:
        if keyword == "USER":
            flags.append(("--config.user", rest))
        elif keyword == "WORKDIR":
            flags.append(("--config.workingdir", rest))
        elif keyword == "EXPOSE":
            for port in rest.split():
                flags.append(("--config.exposedports", port if "/" in port else port + "/tcp"))
        elif keyword == "ENV":
            for pair in shlex.split(rest):
                key, _, value = pair.partition("=")
                env[key] = value.replace("${PATH}", env.get("PATH", "")).replace("$PATH", env.get("PATH", ""))
        elif keyword in ("ENTRYPOINT", "CMD"):
            flag = "--config." + keyword.lower()
            for arg in json.loads(rest):
                flags.append((flag, arg))
    flags.extend(("--config.env", f"{k}={v}") for k, v in env.items())
    return flags


def copy_destinations(stage):
    for keyword, rest in stage:
        if keyword == "COPY":
            args = [a for a in rest.split() if not a.startswith("--")]
            yield args[-1]


if __name__ == "__main__":
    if sys.argv[1] == "--destinations":
        with open(sys.argv[2]) as f:
            for destination in copy_destinations(final_stage(f.read())):
                print(destination)
        sys.exit(0)
    base = sys.argv[2] if len(sys.argv) > 2 else "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    with open(sys.argv[1]) as f:
        for flag, value in config_flags(final_stage(f.read()), base):
            print(flag)
            print(value)
