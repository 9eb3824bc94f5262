"""Views, one module per area of the site; assessment/urls.py maps each URL to one."""
