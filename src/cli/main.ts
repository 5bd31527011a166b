// The `dwell` command line. Subcommands arrive with the issues that need them.
process.stderr.write('dwell: no commands yet\n');
process.exit(1);
