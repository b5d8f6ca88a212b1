#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskregister.settings")
    # No SECRET_KEY in the environment means a developer's checkout (the server
    # itself runs through wsgi/asgi, where DEBUG stays off and SECRET_KEY is
    # required): let commands such as render_paper work there as `make run` does.
    if not os.environ.get("SECRET_KEY"):
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
