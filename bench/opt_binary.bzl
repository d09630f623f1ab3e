"""opt_binary: a binary built optimised whatever the command line says.

`bazel run //bench:report` with no flags would build zring's libraries in
fastbuild (-O0) and compare them with a liburing that Debian built with -O2.
This rule moves its `binary` and all of its dependencies to
--compilation_mode=opt with -march=native (what --config=opt sets), and
exposes that build under its own name.
"""

def _opt_transition_impl(settings, attr):
    copts = [c for c in settings["//command_line_option:copt"] if c != "-march=native"]
    return {
        "//command_line_option:compilation_mode": "opt",
        "//command_line_option:copt": copts + ["-march=native"],
    }

_opt_transition = transition(
    implementation = _opt_transition_impl,
    inputs = ["//command_line_option:copt"],
    outputs = [
        "//command_line_option:compilation_mode",
        "//command_line_option:copt",
    ],
)

def _opt_binary_impl(ctx):
    binary = ctx.attr.binary[0]
    executable = binary[DefaultInfo].files_to_run.executable
    out = ctx.actions.declare_file(ctx.label.name)
    ctx.actions.symlink(output = out, target_file = executable, is_executable = True)
    runfiles = ctx.runfiles(files = [executable]).merge(binary[DefaultInfo].default_runfiles)
    return [DefaultInfo(executable = out, files = depset([out]), runfiles = runfiles)]

opt_binary = rule(
    implementation = _opt_binary_impl,
    attrs = {
        "binary": attr.label(cfg = _opt_transition, executable = True, mandatory = True),
        "_allowlist_function_transition": attr.label(
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
    },
    executable = True,
)
