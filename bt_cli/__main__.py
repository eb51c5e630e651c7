from bt_cli.main import main

main()
