from axiskg.cli import main

main()
