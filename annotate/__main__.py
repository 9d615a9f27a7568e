from annotate.cli import run

run()
