from syndicator.cli.main import main

raise SystemExit(main())
