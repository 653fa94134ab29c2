"""What the screening admin form posts, as the browser sends it (times split in date, time and
"which 1:30" for the fall-back hour)."""


def screening_form_data(venue, titles, date, time, choice="", ends=("", ""), **extra):
    return {
        "programme": [t.pk for t in titles],
        "label_en": "Episodes 1 & 2",
        "label_fr": "",
        "venue": venue.pk,
        "starts_0": date,
        "starts_1": time,
        "starts_2": choice,
        "ends_0": ends[0],
        "ends_1": ends[1],
        "ends_2": "",
        "status": "scheduled",
        "premiere": "",
        "note": "",
        "ticket_url": "",
        "price": "",
        "currency": "",
        **extra,
    }
