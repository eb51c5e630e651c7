from bt_cli.entry import main

main()
