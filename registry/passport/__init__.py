"""The monument passport (issue 15): a PDF per site, public or staff edition, in kk, ru or en.
content.py reads what goes in, map.py draws the location map, pdf.py lays it out, build.py
puts them together, one at a time or a batch into a ZIP."""
