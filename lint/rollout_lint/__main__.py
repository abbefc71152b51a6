from rollout_lint.cli import run

run()
