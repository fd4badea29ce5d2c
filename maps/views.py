from django.shortcuts import render

from registry.selectors import site_list_public


def home(request):
    """A placeholder front page until the public map lands: the published register, by name."""
    sites = site_list_public().select_related("region")[:200]
    return render(request, "maps/home.html", {"sites": sites})
