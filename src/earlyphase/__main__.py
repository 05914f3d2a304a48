from earlyphase.cli import main

main()
