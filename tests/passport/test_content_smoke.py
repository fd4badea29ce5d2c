from registry.passport.build import pdf_bytes, site_public


def test_smoke(open_site):
    import pypdfium2

    data = pdf_bytes(site_public(open_site.registry_number), language="kk")
    doc = pypdfium2.PdfDocument(data)
    for i in range(len(doc)):
        doc[i].render(scale=1.5).to_pil().save(f"/tmp/passport15-p{i}.png")
