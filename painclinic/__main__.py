from painclinic.cli import main

main()
