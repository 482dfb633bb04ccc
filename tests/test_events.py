"""Event extraction on real sentences: frames, voice, coordination, negation, modality."""

from __future__ import annotations

import pytest

from thucydides import Coder, Modality
from thucydides.records import Event

pytestmark = pytest.mark.slow


def code(coder: Coder, text: str, date: str = "2008-08-10") -> list[Event]:
    return coder.code_text(text, date=date)


def triples(events: list[Event]) -> set[tuple[str, str, str]]:
    return {(e.source.code, e.cameo_code, e.target.code if e.target else "-") for e in events}


def test_active_and_passive_voice_agree(coder: Coder) -> None:
    active = triples(code(coder, "Russian troops attacked Georgian soldiers near Gori on Sunday."))
    passive = triples(
        code(coder, "Georgian soldiers were attacked by Russian troops near Gori on Sunday.")
    )
    assert ("RUSMIL", "190", "GEOMIL") in active
    assert ("RUSMIL", "190", "GEOMIL") in passive


def test_visit_gives_host_event_back(coder: Coder) -> None:
    found = triples(code(coder, "French President Nicolas Sarkozy visited Moscow on Tuesday."))
    assert ("FRAGOV", "042", "RUS") in found
    assert ("RUS", "043", "FRAGOV") in found


def test_coordinated_signatories_give_both_directions(coder: Coder) -> None:
    found = triples(
        code(coder, "The United States and Jordan signed a free-trade agreement on Monday.")
    )
    assert {("USA", "057", "JOR"), ("JOR", "057", "USA")} <= found


def test_negation_is_marked(coder: Coder) -> None:
    events = code(coder, "Germany did not criticize Turkey over the arrests.")
    assert events and all(e.negated for e in events if e.cameo_code == "111")


def test_intent_complement_decides_the_code(coder: Coder) -> None:
    events = code(coder, "Iran threatened to attack Israel if the sanctions continued.")
    assert any(
        e.source.code == "IRN" and e.cameo_root == "13" and e.target and e.target.code == "ISR"
        for e in events
    )
    meet = code(coder, "China offered to meet Japan to settle the dispute.")
    assert any(e.cameo_code == "036" and e.modality is Modality.INTENT for e in meet)


def test_appeal_target_is_the_object(coder: Coder) -> None:
    events = code(coder, "The United Nations urged Russia to withdraw its troops from Georgia.")
    assert any(
        e.cameo_root == "02"
        and e.source.code.startswith("IGO")
        and e.target
        and e.target.code == "RUS"
        for e in events
    )


def test_refusal_is_a_rejection(coder: Coder) -> None:
    events = code(coder, "Israel refused to negotiate with Hamas.")
    assert any(e.cameo_code == "125" and e.source.code == "ISR" for e in events)


def test_future_and_question_modality(coder: Coder) -> None:
    future = code(coder, "Japanese Prime Minister Yasuo Fukuda will visit China next week.")
    assert future and all(e.modality is Modality.FUTURE for e in future)
    question = code(coder, "Will Russia attack Ukraine?")
    assert question and all(e.modality is Modality.QUESTION for e in question)


def test_sports_and_markets_give_no_actorless_events(coder: Coder) -> None:
    events = code(coder, "Shares fell sharply in Tokyo as investors worried about oil prices.")
    assert events == []


def test_violence_by_an_unnamed_hand_has_an_unidentified_source(coder: Coder) -> None:
    passive = code(coder, "Two Afghan soldiers were killed in a roadside bombing in Kandahar.")
    active = code(coder, "A car bomb killed five Iraqi policemen in Mosul on Sunday.")
    assert any(e.source.code == "---" and e.cameo_root == "19" for e in passive)
    assert ("---", "190", "IRQCOP") in triples(active)
    assert all(e.source.country is None for e in active if e.source.code == "---")
    # an accident is no attack: nobody to code, nothing emitted
    assert code(coder, "Three Pakistani tourists were killed in a car accident in Lahore.") == []


def test_preparing_to_use_force_is_a_show_of_force(coder: Coder) -> None:
    events = code(coder, "The Russian army prepared to launch an offensive against Chechen rebels.")
    shows = [e for e in events if e.cameo_code == "150"]
    assert shows and shows[0].source.code == "RUSMIL" and shows[0].plover_type == "MOBILIZE"
    assert shows[0].modality is Modality.ASSERTED


def test_a_protest_naming_no_target_is_addressed_to_its_own_country(coder: Coder) -> None:
    events = code(coder, "Thousands of Kenyans staged a rally in Nairobi on Sunday.")
    rally = [e for e in events if e.cameo_code == "141"]
    assert rally and rally[0].target is not None and rally[0].target.code == "KEN"
    target = rally[0].target
    assert target.start == target.end and target.reason.startswith("inferred")


def test_withdrawn_forces_withdraw_themselves(coder: Coder) -> None:
    events = code(coder, "UN peacekeepers were withdrawn from southern Lebanon on Friday.")
    assert ("IGOUNOPKO", "1661", "LBN") in triples(events)


def test_recent_since_is_news_but_history_is_background(coder: Coder) -> None:
    recent = code(coder, "Israeli air strikes have killed 20 Hamas militants since Monday.")
    assert any(e.source.code == "ISR" and e.cameo_code == "190" for e in recent)
    history = "Israeli air strikes have killed 20 Hamas militants since the 2006 war."
    assert code(coder, history) == []


def test_aid_measured_in_tons_is_aid(coder: Coder) -> None:
    events = code(coder, "Japan handed over 500 tons of food to North Korea.")
    assert ("JPN", "073", "PRK") in triples(events)


def test_word_senses_that_are_no_events(coder: Coder) -> None:
    story = "Labour met in London on Monday. "
    # "signed up to" a list is no agreement; "rallies voters" is no demonstration
    signed = code(coder, story + "Many people in Britain signed up to the new register.")
    assert not [e for e in signed if e.cameo_code == "057"]
    rallies = code(coder, story + "Chancellor Gordon Brown rallied Labour voters in Gateshead.")
    assert not [e for e in rallies if e.cameo_root == "14"]
    protest = code(coder, story + "Thousands of protesters rallied in London against the war.")
    assert any(e.cameo_code == "141" for e in protest)
    # a reception needs a guest; a meeting place is not the partner
    money = code(coder, story + "The Prince of Wales did receive over 4m pounds from the state.")
    assert not [e for e in money if e.cameo_code == "043"]
    assert ("GBRPTY", "040", "GBR") not in triples(code(coder, story))


def test_a_demand_for_x_to_act_is_addressed_to_x(coder: Coder) -> None:
    events = code(
        coder,
        "The deal to open formal talks with Ankara came despite an EU demand for Turkey "
        "to recognise Cyprus.",
        date="2005-10-04",
    )
    assert ("IGOEUREEC", "100", "TUR") in triples(events)


def test_history_is_background_not_news(coder: Coder) -> None:
    story = "Labour met in London on Monday. "
    for past in (
        "In 1997 the government imposed a ban on beef on the bone.",
        "Britain invaded Iraq two years ago.",
        "Back in 1992 the government imposed a ban on beef on the bone.",
        "In the autumn of 1978 the government imposed a ban on beef on the bone.",
    ):
        events = code(coder, story + past, date="2005-03-01")
        assert [e.evidence.trigger for e in events if e.evidence.trigger != "met"] == [], past
    recent = code(coder, story + "The government imposed a ban on beef in 2004.", "2005-03-01")
    assert any(e.cameo_code == "172" for e in recent)
    named = code(coder, story + "Under the 1992 treaty, Russia withdrew its troops on Monday.")
    assert any(e.cameo_code == "087" for e in named)  # a year naming a treaty is no date


def test_nouns_and_verbs_in_other_senses_are_no_events(coder: Coder) -> None:
    story = "Labour met in London on Monday. "
    for text in (
        "In March this year, North Wales Police reopened the case.",  # a month, not a march
        "Instead of talking about the future he kept on talking about the past.",
        "Scottish universities offer very attractive courses, he said.",
    ):
        events = code(coder, story + text, date="2005-03-01")
        assert [e.evidence.trigger for e in events if e.evidence.trigger != "met"] == [], text
    mediation = code(coder, "Russia offered to mediate between Armenia and Azerbaijan.")
    assert ("RUS", "039", "ARM") in triples(mediation)


def test_the_writer_s_own_voice_is_opinion_not_news(coder: Coder) -> None:
    comment = (
        "Labour met the unions in London on Monday. During the IRA bombings there were "
        "massive explosions in Canary Wharf, to the right of where I write this."
    )
    assert not [e for e in code(coder, comment, "2005-03-01") if e.cameo_root == "18"]
    report = code(coder, "US troops attacked Iraqi rebels near Mosul on Monday.", "2005-03-01")
    assert any(e.cameo_root == "19" for e in report)


def test_his_counterpart_is_the_other_party(coder: Coder) -> None:
    # a relational noun under "his" is somebody else, unlike "its troops"
    found = triples(
        code(
            coder,
            "Egyptian President Hosni Mubarak met his Israeli counterpart, Shimon Peres, "
            "in Cairo on Monday.",
        )
    )
    assert ("EGYGOV", "040", "ISRGOV") in found
    withdrawn = triples(code(coder, "Syria withdrew its troops from Lebanon on Tuesday."))
    assert not any(target.startswith("SYR") for _, _, target in withdrawn)


def test_market_senses_of_event_nouns_are_not_events(coder: Coder) -> None:
    text = (
        "Japanese oil demand fell 3 pct in March. The dollar's rally ended when a strong "
        "sterling rally pushed the pound higher. Germany suspended merger talks."
    )
    assert code(coder, text, date="1987-04-02") == []
    talks = triples(code(coder, "Israel and Egypt held talks in Cairo on Monday."))
    assert ("ISR", "046", "EGY") in talks


def test_intent_denied_without_an_undertaking_is_no_rejection(coder: Coder) -> None:
    none = code(
        coder,
        "French Interior Minister Nicolas Sarkozy said he does not intend to use the new "
        "powers. Israel said it did not intend to attack Iran.",
        date="2005-03-01",
    )
    assert not any(e.cameo_root in ("12", "13") for e in none)
    refused = triples(code(coder, "Syria said it did not intend to accept the UN plan."))
    assert ("SYR", "120", "IGOUNO") in refused


def test_what_may_be_done_and_what_something_is_are_not_events(coder: Coder) -> None:
    text = (
        "The bill gives the Indian government the right to detain suspects without trial. "
        "They would replace current Indian powers to detain foreign suspects. "
        "The Indian government is a far greater threat than any militant group."
    )
    assert code(coder, text, date="2005-03-01") == []


def test_an_interview_is_not_a_statement_to_the_outlet(coder: Coder) -> None:
    events = code(
        coder,
        "German Chancellor Gerhard Schroeder told German television that the talks "
        "had gone well. He told the BBC that France agreed.",
        date="2003-02-01",
    )
    assert not any(e.target and "MED" in e.target.sectors for e in events)


def test_politicians_attack_with_words_and_armies_with_weapons(coder: Coder) -> None:
    verbal = triples(code(coder, "German Social Democrats attacked the French government's plans."))
    assert ("DEUPTY", "111", "FRAGOV") in verbal
    armed_attack = triples(code(coder, "Russian troops attacked Georgian villages on Sunday."))
    assert any(c == "190" for _, c, _ in armed_attack)


def test_questions_attempts_and_withdrawn_things_are_not_appeals_or_retreats(coder: Coder) -> None:
    text = (
        "Asked if he would stand again, German Chancellor Gerhard Schroeder smiled. "
        "The German government sought to draw a line under the row. "
        "German unions want the German government to withdraw the new regulations."
    )
    assert code(coder, text, date="2003-02-01") == []
    retreat = triples(code(coder, "Russia withdrew its troops from Georgia on Friday."))
    assert ("RUS", "087", "GEO") in retreat
    appeal = triples(code(coder, "France asked Germany for help on Friday."))
    assert any(s == "FRA" and c.startswith("02") and t == "DEU" for s, c, t in appeal)
    watchdog = code(coder, "German unions are asking the watchdog overseeing the rules to act.")
    assert any(e.cameo_root == "02" for e in watchdog)  # a request, though the parse is odd


def test_a_tour_at_home_is_no_visit(coder: Coder) -> None:
    assert code(coder, "French Prime Minister Jean-Pierre Raffarin began a tour of France.") == []


def test_giving_up_things_and_making_plans_are_not_retreats_or_pledges(coder: Coder) -> None:
    text = (
        "Italian opposition leaders say Prime Minister Silvio Berlusconi is surrendering a key "
        "veto. The Italian interior minister has planned the party's election strategy. "
        "It lifts them out of poverty, the Italian government said."
    )
    assert code(coder, text, date="2005-03-01") == []
    surrender = triples(code(coder, "Iraqi troops surrendered to US forces near Basra."))
    assert ("IRQMIL", "0874", "USAMIL") in surrender


def test_a_visit_named_after_leaving_is_a_visit_to_the_place_left(coder: Coder) -> None:
    found = triples(
        code(
            coder,
            "Ukrainian President Leonid Kuchma leaves Warsaw today following a three-day state "
            "visit during which he met his Polish counterpart, Aleksander Kwasniewski.",
            date="2002-05-20",
        )
    )
    assert ("UKRGOV", "042", "POL") in found
    assert ("UKRGOV", "040", "POLGOV") in found


def test_headline_passives_plans_and_prices_are_read_as_such(coder: Coder) -> None:
    planned = code(
        coder, "Foreign Secretary Jack Straw is to visit Thailand this week.", "2005-01-15"
    )
    assert planned and all(e.future for e in planned)
    assert all(e.modality is Modality.FUTURE for e in planned)
    text = (
        "Labour accused of broken pledge. The plans let British universities charge fees of "
        "up to 3,000 pounds. The programme aimed to appeal to British voters. The British "
        "prime minister talked about a New Labour manifesto. But the Tory campaign will "
        "mobilise public opinion."
    )
    assert code(coder, text, date="2005-01-15") == []
    appeal = triples(code(coder, "The EU appealed to Iran to stop enrichment."))
    assert any(s == "IGOEUREEC" and c.startswith("02") and t == "IRN" for s, c, t in appeal)


def test_earlier_pledges_and_quoted_characterisations_are_not_news(coder: Coder) -> None:
    text = (
        "He added the British government had originally pledged to give every pupil two hours "
        "of sport. He remained a British MP until 1995, when he resigned. \"Labour's continued "
        'refusal to admit the crisis will be a failure of the British government," he said.'
    )
    assert code(coder, text, date="2005-01-15") == []
    news = code(coder, "The British government's refusal to admit the crisis angered the Tories.")
    assert any(e.cameo_code == "120" for e in news)


def test_a_multilateral_meeting_is_one_event_per_participant(coder: Coder) -> None:
    events = code(
        coder,
        "At a meeting in Paris, Britain, Canada, France, Japan, the United States and West "
        "Germany agreed to cooperate.",
        date="1987-03-19",
    )
    meetings = [e for e in events if e.cameo_code == "040"]
    assert len(meetings) == 6 and all(e.target is None for e in meetings)
    pair = triples(code(coder, "Britain and France agreed to cooperate on Monday."))
    assert ("GBR", "031", "FRA") in pair or ("GBR", "030", "FRA") in pair


def test_market_demand_is_no_demand(coder: Coder) -> None:
    assert code(coder, "U.S. Demand continued for all models but demand fell in Japan.") == []


def test_denials_of_claims_possessed_names_and_dated_nouns(coder: Coder) -> None:
    dismissed = triples(code(coder, "Syria rejected accusations by Israel on Monday."))
    assert ("SYR", "016", "ISR") in dismissed
    budget = triples(
        code(coder, "Tory leader Michael Howard has dismissed Gordon Brown's Budget.", "2005-03-17")
    )
    assert ("GBRPTY", "120", "GBRGOV") in budget  # "Gordon Brown's" is Gordon Brown
    text = (
        "He also chaired the 1969 tribunal set up to investigate civil disturbances in "
        "Northern Ireland. Lord Scarman, who conducted the inquiry into the 1981 Brixton "
        "riots, has died in London. Mr Bush was sworn in at a ceremony in Washington."
    )
    assert code(coder, text, date="2005-01-15") == []


def test_a_planned_visit_has_no_host_yet_and_a_statement_no_place_target(coder: Coder) -> None:
    found = triples(
        code(coder, "The British chancellor will visit a women's credit union in Mozambique.")
    )
    assert ("GBRGOV", "036", "MOZ") in found
    assert not any(source.startswith("MOZ") for source, _, _ in found)
    said = code(coder, "Tony Blair dismissed claims of broken promises in London.", "2005-01-15")
    assert all(e.target is None or e.target.code != "GBR" for e in said)


def test_fighting_a_decision_is_opposition_and_advice_to_oneself_no_demand(coder: Coder) -> None:
    fight = triples(
        code(coder, "Britain would fight the Japanese government's attempt to block the deal.")
    )
    assert ("GBR", "120", "JPNGOV") in fight and ("JPNGOV", "120", "GBR") not in fight
    war = triples(code(coder, "Russian troops fought Chechen rebels near Grozny."))
    assert ("RUSMIL", "190", "RUSREB") in war
    text = (
        "Japanese Finance Minister Kiichi Miyazawa said Japan should use fiscal funds. "
        "I cannot comment, the spokesman at the Japanese foreign ministry said when asked "
        "to react to a report."
    )
    assert code(coder, text, date="1987-03-30") == []


def test_corporate_statements_and_policy_battles_are_not_coded(coder: Coder) -> None:
    text = (
        "The Indian company plans to buy back 52 million shares. The Japanese firms denied "
        "that they are about to link up. Most Indonesian companies traded on the Jakarta "
        "Stock Exchange are in oil. The European Commission fought a battle with France over "
        "breaching deficit limits."
    )
    events = code(coder, text, date="2005-01-15")
    assert not any(e.cameo_root in ("19", "03", "01", "06") for e in events)
    war = triples(code(coder, "Israel's attack on Gaza over rocket fire killed 20 people."))
    assert ("ISR", "190", "PSE") in war


def test_conditions_are_not_events_and_plans_are_future(coder: Coder) -> None:
    warned = code(
        coder,
        "Japan warned the United States it may retaliate if the U.S. imposes sanctions.",
        date="1987-04-10",
    )
    assert not any(e.cameo_root == "16" and e.source.code == "USA" for e in warned)
    assert any(e.cameo_root == "13" and e.source.code == "JPN" for e in warned)
    meet = triples(
        code(
            coder,
            "Japanese Prime Minister Yasuhiro Nakasone said he will meet U.S. President "
            "Ronald Reagan.",
            date="1987-04-10",
        )
    )
    assert ("JPNGOV", "036", "USAGOV") in meet and ("USAGOV", "036", "JPNGOV") not in meet
    later = code(
        coder,
        "Japanese Prime Minister Yasuhiro Nakasone will explain the plan to U.S. officials "
        "when he visits the U.S.",
        date="1987-04-10",
    )
    assert later and all(e.modality is Modality.FUTURE for e in later)


def test_currencies_and_running_for_office_are_not_actors_or_appeals(coder: Coder) -> None:
    text = (
        "SAS is raising a 37 mln U.S. Dlr loan for a hotel in China. "
        "British Prime Minister Margaret Thatcher is seeking a third term."
    )
    assert code(coder, text, date="1987-04-10") == []
    aid = triples(code(coder, "The U.S. gave Egypt a 200 mln dlr loan.", date="1987-04-10"))
    assert ("USA", "071", "EGY") in aid
