from axiskg.cli import app

app()
