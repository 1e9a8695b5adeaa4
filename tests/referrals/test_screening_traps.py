"""The known traps of SCREENING.md, one behaviour per test, and the guarantees of the API."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from referrals.screening import Screening, detect, screen
from referrals.screening.patterns import compile_pattern
from referrals.screening.rules import RULES_DIR, load_pack, load_policy
from referrals.screening.text import surface, tokenize

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parents[2]
RANK = {t: n for n, t in enumerate(["none", "low", "moderate", "high", "crisis"])}


def tier_of(text: str, lang: str | None = None, **context) -> str:
    return screen(text, lang=lang, context=context).tier


# --- death words in idioms


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Je suis mort de rire en lisant votre annonce.", "fr"),
        ("Cette chaleur me tue, qui peut arroser mes plantes ?", "fr"),
        ("Ce déménagement va me tuer, j'ai besoin de bras samedi.", "fr"),
        ("Ik ben dood op na het werk, kan iemand de hond uitlaten?", "nl"),
        ("Ik ga dood van de warmte, wie brengt een ventilator?", "nl"),
        ("My phone died, can someone help me set up a new one?", "en"),
        ("This deadline is killing me, could someone walk my dog?", "en"),
        ("I'm dying to get my garden in shape before summer.", "en"),
    ],
)
def test_a_death_idiom_is_not_risk(text, lang):
    assert tier_of(text, lang) == "none"


@pytest.mark.parametrize(
    "text, lang",
    [
        ("J'ai acheté une corde pour la balançoire du jardin, qui m'aide à la fixer ?", "fr"),
        ("Qui m'aide à écrire une lettre d'adieu à mes élèves ? Je prends ma retraite.", "fr"),
        ("Au club de lecture on discute d'un article sur la faillite d'une chaîne.", "fr"),
        ("Ik heb touw gekocht voor een schommel in de notelaar, wie helpt?", "nl"),
        ("Wie helpt me met een afscheidsmail aan mijn leerlingen? Ik ga met pensioen.", "nl"),
        ("Ik ben er klaar mee met die printer, wie kan eens kijken?", "nl"),
        ("Wie duwt mij dinsdag in de rolstoel naar de markt?", "nl"),
        ("We need a driver for our first aid course on how to recognise an overdose.", "en"),
        ("Our book club reads a novel where the hero tries to end his life; who can host?", "en"),
        ("She beat me at cards again, next week I want revenge!", "en"),
        ("Cursus EHBO bij vergiftiging en overdosis: wie leent ons een beamer?", "nl"),
        ("Mijn frituur is dicht voor vakantie, wie geeft de bloembakken water?", "nl"),
        ("Mon salon est fermé pour congés, qui peut relever le courrier ?", "fr"),
        ("I'm killing myself laughing at your photos, yes I'll help on Sunday!", "en"),
        ("Giving away all my baby stuff, cot and clothes, pick up in Schaerbeek?", "en"),
    ],
)
def test_alarming_words_in_an_ordinary_frame_are_not_flagged(text, lang):
    assert RANK[tier_of(text, lang)] < RANK["moderate"]


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Mijn vader stuurde een brief waarin hij zich voor alles verontschuldigt.", "nl"),
        ("Ma mère m'a laissé une lettre où elle demande pardon pour tout.", "fr"),
        ("Dad left a letter apologising for everything and switched his phone off.", "en"),
    ],
)
def test_a_letter_asking_forgiveness_for_everything_is_a_goodbye(text, lang):
    assert tier_of(text, lang) == "crisis"


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Je n'en peux plus de ce chien du voisin qui aboie, à qui faut-il s'adresser ?", "fr"),
        ("Ik kan niet meer van dat geblaf van de buren, wie weet wat ik kan doen?", "nl"),
        ("The roadworks are driving me mad, I can't take it anymore! Anyone with earplugs?", "en"),
        ("Dimanche j'ai envie de disparaître sous ma couette avec un livre, on décale ?", "fr"),
        ("Zondag wil ik onder mijn dekbed verdwijnen met een film, maandag boodschappen?", "nl"),
        ("This weekend I want to disappear under the duvet with a series, shopping Monday?", "en"),
        ("We're saying goodbye to Tom who's leaving for a new job, who can bake a cake?", "en"),
        ("Het touw van de vlag is gebroken, wie heeft een nieuw?", "nl"),
        ("Need a strong rope to fix the tarp on the trailer, anyone?", "en"),
        ("J'ai rassemblé les vieux médicaments de ma mère, qui les ramène à la pharmacie ?", "fr"),
        ("I gathered old pills from the cabinet, who can return them to the pharmacy?", "en"),
        ("On a choisi la date pour la fête de quartier : le 14 juin ! Qui aide ?", "fr"),
        ("We hebben de datum geprikt voor het buurtfeest, wie helpt?", "nl"),
        ("We've picked the date for the street party, who can help with tables?", "en"),
        ("Ik heb mijn tijd gehad als trainer van de U10, wie neemt over?", "nl"),
    ],
)
def test_a_nuisance_a_lazy_sunday_a_leaving_do_or_a_party_date_is_not_flagged(text, lang):
    assert RANK[tier_of(text, lang)] < RANK["moderate"]


@pytest.mark.parametrize(
    "text, lang, tier",
    [
        # Euthanasia is legal in Belgium: a debate or an advance declaration is ordinary...
        ("We saw a debate on euthanasia on TV. Could someone fix my doorbell?", "en", "none"),
        ("Débat sur l'euthanasie hier à la télé. Qui peut réparer ma sonnette ?", "fr", "none"),
        (
            "Ik heb een wilsverklaring euthanasie laten registreren, gewoon uit voorzorg. "
            "Wie helpt me de website te gebruiken?",
            "nl",
            "none",
        ),
        ("I registered an advance euthanasia declaration as a precaution.", "en", "none"),
        # ... wanting it now, without illness, is not.
        ("Ik ben 89. Hoe vraag ik euthanasie aan? Er komt hier niemand meer.", "nl", "crisis"),
        ("Je voudrais avoir l'euthanasie vite, je n'en peux plus d'être seule.", "fr", "crisis"),
        ("How does one get euthanasia approved quickly? I can't face winter.", "en", "crisis"),
    ],
)
def test_euthanasia_is_a_crisis_when_wanted_not_when_discussed_or_declared(text, lang, tier):
    assert tier_of(text, lang) == tier


@pytest.mark.parametrize(
    "text, lang",
    [
        ("My flatmate has been talking about dying for weeks.", "en"),
        ("I looked up how high the balcony of the car park is.", "en"),
        ("Ik heb al gekeken hoe hoog het balkon is.", "nl"),
        ("J'ai déjà regardé à quelle hauteur est le balcon.", "fr"),
        ("Je suis nulle, je devrais juste plus exister.", "fr"),
        ("Eigenlijk wil ik niet meer bestaan.", "nl"),
    ],
)
def test_measuring_a_height_talk_of_dying_or_not_wanting_to_exist_is_a_crisis(text, lang):
    assert tier_of(text, lang) == "crisis"


@pytest.mark.parametrize(
    "text, lang",
    [
        # Going up somewhere high "just to see"; asking whether a height or a quay is fenced.
        ("Hier je suis monté tout en haut du parking, juste pour voir.", "fr"),
        ("I went up to the top floor of the car park last night, just to see.", "en"),
        ("Ik ben helemaal boven op de parkeergarage gaan staan, gewoon om te kijken.", "nl"),
        ("Is the top floor of the car park open to the sky?", "en"),
        ("Kan je met de auto tot aan de kaai rijden of staat daar een hek?", "nl"),
        # Someone's own words for it, in slang, in a threat, or with a weapon at hand.
        ("gonna log off for good, gg everyone", "en"),
        ("log off pour toujours, gg à tous", "fr"),
        ("ik log voorgoed uit, bedankt voor alles", "nl"),
        ("I'm going to rage quit IRL this weekend.", "en"),
        ("I've been searching for painless ways out.", "en"),
        ("Si on la met en maison de repos, elle dit qu'elle saute par la fenêtre.", "fr"),
        ("Some nights I sit in the barn with the shotgun across my knees.", "en"),
        ("'s Avonds zit ik met het geweer op mijn schoot.", "nl"),
        # A plan that is said as if it were none.
        ("Als het echt niet meer gaat weet ik wat ik moet doen.", "nl"),
        ("I don't see myself still here next year tbh.", "en"),
        ("I don't plan on being around for their birthdays.", "en"),
        ("Ik denk er niet meer aan om mezelf iets aan te doen, sinds ik weet hoe.", "nl"),
        ("Een ticket enkele reis naar De Panne, ik wil nog één keer de zee zien.", "nl"),
        # Wishing for an accident.
        ("Sometimes I wish the bus wouldn't stop when I cross.", "en"),
        ("Parfois j'aimerais que le bus ne freine pas quand je traverse.", "fr"),
        ("Soms hoop ik dat het vliegtuig gewoon neerstort.", "nl"),
        # Asking whether buying many boxes of painkillers at once raises questions.
        ("Does the pharmacy ask questions if you buy 5 boxes of paracetamol at once?", "en"),
    ],
)
def test_a_height_a_weapon_slang_a_wished_accident_or_a_veiled_plan_is_a_crisis(text, lang):
    assert tier_of(text, lang) == "crisis"


@pytest.mark.parametrize(
    "text, lang",
    [
        ("J'ai dit adieu à ma vieille Golf ce matin, il me faudrait un lift le vendredi.", "fr"),
        ("Ik heb afscheid genomen van mijn oude auto, wie toont me de app van De Lijn?", "nl"),
        ("Je suis au bout du rouleau avec cette imprimante, un informaticien à Namur ?", "fr"),
        ("I'm at the end of my rope with this leaking tap. Anyone handy near Kessel-Lo?", "en"),
        ("Ik ben er klaar mee, met die lekkende kraan. Kan een buur eens komen kijken?", "nl"),
        (
            "Je ne serai plus là à partir de juillet (je pars vivre à Montréal).",
            "fr",
        ),
        (
            "Ik ga er niet meer zijn: vanaf september woon ik bij mijn dochter.",
            "nl",
        ),
        ("I won't be around after the 20th, I'm moving back to Dublin. Who wants my sofa?", "en"),
        ("Ik heb een touw en een ladder nodig voor de kerstverlichting aan de gevel.", "nl"),
        (
            "Mr R. said goodbye to his choir at the last rehearsal before the summer break.",
            "en",
        ),
    ],
)
def test_a_goodbye_to_a_car_a_nuisance_a_move_or_christmas_lights_is_not_flagged(text, lang):
    assert RANK[tier_of(text, lang)] < RANK["moderate"]


@pytest.mark.parametrize(
    "text, lang, tier",
    [
        # An ellipsis, then an ordinary ending: the alarming phrase was a joke's set-up...
        (
            "J'ai écrit une lettre d'adieu... à mon vieux frigo 😂 Qui m'aide à le porter ?",
            "fr",
            "none",
        ),
        ("Je vais finir par me pendre... au téléphone avec mon opérateur 🙄", "fr", "none"),
        ("Ik ga er een eind aan maken... aan die woekerende bamboe in mijn tuin.", "nl", "none"),
        ("Need help writing a goodbye letter... to my team 😄 I'm changing jobs.", "en", "none"),
        # ... but an ending that names a person or everything finishes it in earnest.
        ("J'ai écrit une lettre d'adieu... à mes enfants.", "fr", "crisis"),
        ("Ik ga er een eind aan maken... aan alles.", "nl", "crisis"),
        ("I wrote a goodbye letter... to my kids.", "en", "crisis"),
        ("I'm going to end it... tonight.", "en", "crisis"),
    ],
)
def test_an_alarming_phrase_cut_by_an_ellipsis_is_a_joke_only_if_the_ending_is_ordinary(
    text, lang, tier
):
    assert tier_of(text, lang) == tier


@pytest.mark.parametrize(
    "text, lang",
    [
        # A visit report's checklist answered no, item by item.
        ("Semble seule : non. Soucis d'argent : non. Parle de ne plus vouloir vivre : non.", "fr"),
        ("Eenzaam: nee. Geldzorgen: nee. Somber: nee. Ze fietst nu overal naartoe.", "nl"),
        ("Seems lonely: no / Money worries: no / Talks of not wanting to live: no.", "en"),
        # Talk of death that is someone else's death, a book or a play.
        ("On a parlé de la mort du roi Baudouin, il adore l'histoire de la famille royale.", "fr"),
        ("Hij praat veel over de dood, hij schrijft een boek over de oorlog rond Ieper.", "nl"),
        ("He talked about dying a lot, he's writing his life story for the grandkids.", "en"),
        ("Il m'a parlé d'un livre, l'histoire d'un homme qui se jette d'un pont en 1940.", "fr"),
        # Goodbyes to a car or a brass band, a festive leaving, overwork, a move home.
        ("The lady next door said goodbye to her old Opel today, it went to the scrapyard.", "en"),
        ("Il fait ses adieux, il arrête la fanfare après 50 ans, grosse fête samedi.", "fr"),
        ("Mijn buurvrouw heeft afscheid gevierd van haar werk na 42 jaar.", "nl"),
        (
            "My friend is killing himself with work to finish his PhD, could someone walk his dog?",
            "en",
        ),
        ("Giving everything away this Saturday, flying home to Manila for good on Sunday.", "en"),
        ("Mijn buurman wil een touw om zijn dakgoot vrij te maken, kan iemand helpen?", "nl"),
    ],
)
def test_a_checklist_answered_no_a_death_in_a_story_or_an_ordinary_goodbye_is_not_flagged(
    text, lang
):
    assert RANK[tier_of(text, lang)] < RANK["moderate"]


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Seems lonely: yes. Talks of not wanting to live: yes, said it twice.", "en"),
        ("She's been giving everything away this week, her bike, her plants, her cat.", "en"),
        ("She's tidying up before she goes, but she hasn't mentioned moving.", "en"),
        ("Mijn moeder zocht op 'hoe lang duurt verdrinken'.", "nl"),
        ("He asked how high the top floor is and whether you'd feel anything.", "en"),
        (
            "Qqn pourrait me conduire au pont de Wandre ce soir, pas besoin de me ramener.",
            "fr",
        ),
        ("Je voulais savoir à partir de quelle hauteur on ne survit pas à une chute.", "fr"),
        ("I keep looking up how high the Atomium is and whether you can get onto the roof.", "en"),
        ("Ik zoek naar de hoogste gebouwen in Brussel en of ge op het dak kunt geraken.", "nl"),
        ("La prochaine fois je ne me louperai pas, j'ai compris mes erreurs.", "fr"),
        ("It needs to be finished before the 14th, that's the date I've chosen.", "en"),
    ],
)
def test_giving_everything_away_a_search_for_a_height_or_a_ride_with_no_return_is_a_crisis(
    text, lang
):
    assert tier_of(text, lang) == "crisis"


@pytest.mark.parametrize(
    "text, lang, tier",
    [
        # A goodbye on a happy move into care, over a coffee or at a party; a figure of speech...
        (
            "Elle part en maison de repos, contente, et voudrait dire adieu aux bénévoles.",
            "fr",
            "none",
        ),
        ("Elle voudrait dire adieu à tous les bénévoles autour d'un café jeudi.", "fr", "none"),
        ("Elle va « se jeter par la fenêtre », c'est une façon de parler hein.", "fr", "none"),
        ("He said goodbye to his old neighbours at the street party.", "en", "none"),
        ("He's been giving away his tools: he donated them to the tool library.", "en", "none"),
        # ... unless the writer says it is not.
        ("Je vais me jeter par la fenêtre, et ce n'est pas une façon de parler.", "fr", "crisis"),
        ("I'm going to kill myself, and it's not a figure of speech.", "en", "crisis"),
        # A checklist answered yes, a bridge preferred to the street.
        ("Eenzaam: nee. Doodsgedachten: ja.", "nl", "crisis"),
        ("Hij zegt dat hij liever van de brug springt dan op straat te staan.", "nl", "crisis"),
        # An ellipsis ending in a place to live is a joke; in the canal, it is not.
        ("Ma voisine « ne veut plus vivre »... dans cet appartement sans ascenseur.", "fr", "none"),
        ("Je vais me jeter... dans le canal.", "fr", "crisis"),
    ],
)
def test_a_figure_of_speech_or_a_festive_goodbye_is_ordinary_unless_denied(text, lang, tier):
    assert tier_of(text, lang) == tier


@pytest.mark.parametrize(
    "text, lang",
    [
        # Pills bought in several pharmacies; letters set to be sent later.
        ("Ik heb veel tabletten gekocht in drie verschillende apotheken.", "nl"),
        ("I've bought paracetamol in several pharmacies this week.", "en"),
        ("J'ai acheté des somnifères dans plusieurs pharmacies.", "fr"),
        ("I've written letters to my parents and scheduled the emails to go out on Sunday.", "en"),
        # The top of a car park, at night, and how many floors it has.
        ("Vous savez si on peut monter au dernier niveau du parking la nuit ?", "fr"),
        ("Weet iemand tot hoe laat het dak van de parking open is? En hoeveel verdiepingen?", "nl"),
        ("Can you get onto the top floor of the car park at night?", "en"),
    ],
)
def test_pills_from_several_pharmacies_timed_letters_or_a_car_park_at_night_is_a_crisis(text, lang):
    assert tier_of(text, lang) == "crisis"


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Could anyone lend me a strong rope and a ladder? I want to hang a swing.", "en"),
        ("Wie kan mij een stevig touw en een ladder lenen? Ik hang een schommel op.", "nl"),
        ("My neighbour is giving away all her things, she's going to live with her son.", "en"),
        ("Could someone mind my tortoise for the weekend? He's very low maintenance.", "en"),
        ("Les travaux du voisin vont me tuer, ça tape depuis 7h du matin !", "fr"),
        ("Je n'en peux plus de ce chantier devant chez moi, qui m'aide à poser des joints ?", "fr"),
        ("Je suis à bout de souffle dans l'escalier, l'ascenseur est en panne.", "fr"),
        ("Je lis un polar où tout le monde finit par se pendre, super glauque.", "fr"),
        ("Ik ben kapot na de verhuis, wie helpt de laatste dozen naar boven dragen?", "nl"),
    ],
)
def test_a_rope_with_a_ladder_a_move_a_neighbours_works_or_a_crime_novel_is_not_flagged(text, lang):
    assert RANK[tier_of(text, lang)] < RANK["moderate"]


@pytest.mark.parametrize(
    "text, lang, tier",
    [
        # Not being there any more because of a move is ordinary...
        ("I won't be around after the 20th, I'm moving back to Dublin.", "en", "none"),
        ("Je ne serai plus là à partir de juillet (je pars vivre à Montréal).", "fr", "none"),
        ("Ik ga er niet meer zijn: vanaf september woon ik bij mijn dochter.", "nl", "none"),
        # ... not being there any more with the move ruled out is not.
        (
            "He says he won't be here after the holidays, and his family isn't moving.",
            "en",
            "crisis",
        ),
        ("Je ne serai plus là après dimanche, et je ne déménage pas.", "fr", "crisis"),
        ("Ik ga er niet meer zijn na zondag, ik verhuis niet.", "nl", "crisis"),
    ],
)
def test_not_being_there_any_more_is_ordinary_for_a_move_and_a_crisis_without_one(text, lang, tier):
    assert tier_of(text, lang) == tier


@pytest.mark.parametrize(
    "text, lang, tier",
    [
        # A checklist item whose box is empty was answered no, boxes before or after items...
        (
            "Aandachtspunten huisbezoek: [ ] vallen [ ] verwarring [ ] doodsgedachten. "
            "Niets aangevinkt. Dhr. speelt weer biljart.",
            "nl",
            "none",
        ),
        (
            "Grille de visite : isolement ☐ tristesse ☐ maltraitance ☐."
            " Elle m'a battue au Scrabble.",
            "fr",
            "none",
        ),
        (
            "Checklist:\n- [ ] falls\n- [ ] talks of not wanting to live\n- [ ] low mood",
            "en",
            "none",
        ),
        # ... and a ticked box keeps its signal, whichever side the boxes stand.
        ("Checklist:\n- [ ] falls\n- [x] talks of not wanting to live", "en", "crisis"),
        ("Grille de visite : chute ☐ idées noires ☑ argent ☐", "fr", "crisis"),
        ("Aandachtspunten: [ ] vallen [x] doodsgedachten [ ] geldzorgen", "nl", "crisis"),
        # An empty box after a long sentence, or a lone box, is no checklist item.
        ("Low mood lately and she said she wants to die [ ] call GP", "en", "crisis"),
        ("Parle de ne plus vouloir vivre ☐", "fr", "crisis"),
        # A question answered no after a dash, as in a safeguarding list read out on the phone.
        ("Feels safe at home – yes; thoughts of ending her life – no, 'heavens no'.", "en", "none"),
        ("Thoughts of ending her life – yes, she has thought about how.", "en", "crisis"),
    ],
)
def test_a_checklist_item_with_an_empty_box_or_answered_no_after_a_dash_is_not_flagged(
    text, lang, tier
):
    assert tier_of(text, lang) == tier


@pytest.mark.parametrize(
    "text, lang",
    [
        # A ride to a bridge in one sentence, no return in the next.
        ("Kan iemand mij morgen naar de Scheldebrug brengen? Enkel heen.", "nl"),
        ("Could someone drive me to the bridge at Vilvoorde tonight? One way.", "en"),
        ("Qui peut m'emmener au barrage de la Gileppe ? Pas besoin de me ramener.", "fr"),
        # Keys and papers left for whoever finds one; cards not needed after a day.
        ("Ze vroeg me een sleutel te bewaren 'voor wie mij vindt'.", "nl"),
        ("Elle m'a confié un double de sa clé « pour quand on me trouvera ».", "fr"),
        ("The spare key is under the mat for whoever finds me.", "en"),
        ("Zijn bankkaart en identiteitskaart heeft hij vanaf donderdag niet meer nodig.", "nl"),
        # A business closing and the writer with it; not coming home, and the spouse unaware.
        ("Le garage fermera définitivement et moi avec.", "fr"),
        ("The shop closes for good on Friday, and me with it.", "en"),
        ("Mijn vrouw weet niet dat ik morgen niet thuiskom.", "nl"),
        ("My wife doesn't know I won't be coming home.", "en"),
        # Vital treatment stopped on purpose.
        ("I stopped my insulin on Sunday and I'm not starting again.", "en"),
        ("J'ai arrêté mon insuline exprès.", "fr"),
        ("Ik ben gestopt met mijn insuline en ik begin er niet meer aan.", "nl"),
        # Not wanting to live, said as talk about it.
        ("He talks of not wanting to live.", "en"),
        ("Elle parle de ne plus vouloir vivre.", "fr"),
        ("She keeps mentioning wanting to be dead.", "en"),
        ("Hij heeft het over een eind eraan maken.", "nl"),
    ],
)
def test_a_ride_with_no_return_keys_for_whoever_finds_one_or_treatment_stopped_is_a_crisis(
    text, lang
):
    assert tier_of(text, lang) == "crisis"


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Stopped my insulin pens, the diabetologist switched me to tablets!", "en"),
        ("Pouvez-vous me conduire à la gare ? J'ai un aller simple pour Paris.", "fr"),
        ("Onze leesclub leest 'Het verdriet van België', mijn moeder wil mee.", "nl"),
        ("Dit is mijn laatste bericht hier: ik verhuis naar Gent. Bedankt iedereen!", "nl"),
    ],
)
def test_a_treatment_changed_a_one_way_train_ticket_or_a_farewell_on_moving_is_no_crisis(
    text, lang
):
    assert tier_of(text, lang) != "crisis"


@pytest.mark.parametrize(
    "text, lang, tier",
    [
        (
            "Après l'émission sur les idées suicidaires, mon père veut devenir écoutant.",
            "fr",
            "none",
        ),
        ("Na de documentaire over zelfdoding wil mijn moeder vrijwilliger worden.", "nl", "none"),
        ("We watched a documentary about suicide, my mum wants to volunteer.", "en", "none"),
        ("Depuis l'émission sur le suicide, il dit qu'il pense au suicide.", "fr", "crisis"),
        (
            "After the documentary about suicide he said he thinks about suicide too.",
            "en",
            "crisis",
        ),
    ],
)
def test_a_programme_about_suicide_is_ordinary_but_not_what_is_said_after_it(text, lang, tier):
    assert tier_of(text, lang) == tier


@pytest.mark.parametrize(
    "text, lang, tier",
    [
        # A reported question answered no in the next sentence...
        ("Doctor asked me if I have dark thoughts. No, I am fine, really.", "en", "none"),
        ("Le médecin m'a demandé si j'avais des idées noires. Non, ça va.", "fr", "none"),
        ("De huisarts vroeg of ik doodsgedachten heb. Nee, helemaal niet.", "nl", "none"),
        # ... or answered yes, or not answered at all.
        ("Le médecin m'a demandé si j'avais des idées noires. Oui, souvent.", "fr", "crisis"),
        ("I asked him if he wants to die. No answer, he just cried.", "en", "crisis"),
        # "It's not true" is no denial of what follows it.
        ("je dis a tout le monde que ca va mais cest pas vrai je veux mourir", "fr", "crisis"),
    ],
)
def test_a_reported_question_answered_no_is_not_flagged_and_not_true_denies_nothing(
    text, lang, tier
):
    assert tier_of(text, lang) == tier


@pytest.mark.parametrize(
    "text, lang",
    [
        ("jai pa manjé depui 3 jour, je veu murir. mon fis il sai pa", "fr"),
        ("Dochter vertelt dat moeder vorige week een poging deed met medicatie.", "nl"),
        ("She made an attempt with pills last month.", "en"),
        ("Elle a fait une tentative avec des médicaments.", "fr"),
        ("lowkey hope the bus just hits me on the way to school tmrw", "en"),
        ("i want to disappear and never come back dont tell anyone", "en"),
        ("I have the gun of my husband. Since he died I think every day to use it for me.", "en"),
        ("Yesterday I stood on the roof of my building and thought to jump.", "en"),
        ("I've been having suicide all thoughts since Christmas", "en"),
    ],
)
def test_an_attempt_a_wished_accident_or_a_phonetic_wish_to_die_is_a_crisis(text, lang):
    assert tier_of(text, lang) == "crisis"


@pytest.mark.parametrize(
    "text, lang",
    [
        ("My first attempt with the new medication was fine, no side effects.", "en"),
        ("Hij deed een poging om te stoppen met roken, met pillen van de dokter.", "nl"),
        ("I hope the bus comes on time tomorrow, I have the dentist.", "en"),
    ],
)
def test_a_first_try_with_new_medication_or_a_hope_about_the_bus_is_no_crisis(text, lang):
    assert tier_of(text, lang) != "crisis"


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Mes plantes sont en train de mourir pendant que je suis en stage. SOS arrosage !", "fr"),
        ("My tomatoes are dying in this heat, can someone water them?", "en"),
        ("Mijn planten gaan dood terwijl ik op reis ben, wie geeft ze water?", "nl"),
        (
            "J'ai envie de disparaître sous terre tellement j'ai honte, "
            "j'ai oublié son anniversaire.",
            "fr",
        ),
        (
            "Die buren met hun blaffende hond, ik kan niet meer slapen! Hoe dien ik een klacht in?",
            "nl",
        ),
        ("Grille de visite : isolement ☐ tristesse ☐ argent ☐. Elle m'a battue au Scrabble.", "fr"),
    ],
)
def test_dying_plants_shame_or_a_barking_dog_are_not_flagged(text, lang):
    assert RANK[tier_of(text, lang)] < RANK["moderate"]


@pytest.mark.parametrize(
    "text, lang",
    [
        # One sentence among the practical details of a long request is enough.
        (
            "Ik zoek iemand om de boormachine naar mijn broer en drie boeken naar de bib te "
            "brengen. Zondag maak ik er een einde aan, dat heb ik besloten. Liefst zaterdag.",
            "nl",
        ),
        (
            "Could someone help me take down the Christmas tree? The lift is out of order. "
            "Honestly, I've been wishing I could just stop existing. Evenings after 7 work best.",
            "en",
        ),
        (
            "Mon père m'a envoyé un SMS à 3h : « pardon pour tout, prends soin de maman ». "
            "Quelqu'un du quartier peut-il sonner chez lui ?",
            "fr",
        ),
        (
            "My late husband's revolver has been in a drawer for years. I took it out last "
            "night and loaded it. Could someone fix the dripping tap?",
            "en",
        ),
        (
            "Hij wandelt elke avond naar de spoorweg en blijft daar staan 'om te zien of hij "
            "het durft'. Verder alles in orde, de verwarming werkt terug.",
            "nl",
        ),
        ("Vorige week heb ik het gas laten openstaan. Volgende keer doe ik het beter.", "nl"),
        ("I have decided to stop eating and drinking until I die, my mind is made up.", "en"),
        ("I've stopped seeing any reason to be alive, and I can't face my parents.", "en"),
        ("Soms hoop ik dat ik op de autosnelweg gewoon niet meer thuiskom.", "nl"),
    ],
)
def test_a_crisis_said_once_in_a_long_practical_request_is_a_crisis(text, lang):
    assert tier_of(text, lang) == "crisis"


@pytest.mark.parametrize(
    "text, lang",
    [
        # A football fan's cry, a form, a horror film night, a gutter that fell.
        ("Mon voisin hurle « je vais me tuer » chaque fois que le Standard encaisse un but.", "fr"),
        ("Franchement ce formulaire de la mutuelle va me tuer, quatorze pages !", "fr"),
        ("Soirée film d'horreur vendredi, qui a un projecteur ? Ça va saigner !", "fr"),
        ("Avec la drache d'hier ma gouttière est tombée, qui m'aide à la remettre ?", "fr"),
        (
            "Je regarde une série, je n'en dors plus tellement c'est bien. Qui branche ma télé ?",
            "fr",
        ),
        # Games, a washing machine, the newspaper's mood.
        ("He says he'll 'kill me' next week at chess, he beat me at cards again.", "en"),
        ("Also need help with a broken washing machine.", "en"),
        ("Ze lachte met hoe somber die krant is. Wie haalt haar nieuwe bril op?", "nl"),
        # A stumble without harm; a pet put to sleep and said goodbye to.
        ("Mrs Lowe tripped on the doormat and landed on the sofa, laughed it off.", "en"),
        ("Mme Bodart a trébuché sur le tapis, aucune douleur, médecin passé : RAS.", "fr"),
        ("Onze hond is ingeslapen bij de dierenarts, we hebben als gezin afscheid genomen.", "nl"),
        ("Our old dog was put to sleep at the vet's and we all said goodbye.", "en"),
    ],
)
def test_a_fans_cry_a_game_a_harmless_stumble_or_a_pets_goodbye_is_not_flagged(text, lang):
    assert RANK[tier_of(text, lang)] < RANK["moderate"]


@pytest.mark.parametrize(
    "text, lang, tier",
    [
        ("I tripped on the stairs, no pain, but it's the third fall this month.", "en", "high"),
        ("C'est sa troisième chute ce mois-ci, elle n'ose plus sortir.", "fr", "high"),
        ("Dit is al de derde val deze maand.", "nl", "high"),
        (
            "Mijn kat is ingeslapen, ik heb afscheid genomen. Nu wil ik zelf niet meer leven.",
            "nl",
            "crisis",
        ),
    ],
)
def test_repeated_falls_and_a_wish_to_die_after_a_pets_death_keep_their_signal(text, lang, tier):
    assert tier_of(text, lang) == tier


@pytest.mark.parametrize(
    "text, lang, tier",
    [
        # An ordinary frame someone else only asks about explains nothing...
        (
            "J'ai acheté une corde, le vendeur m'a demandé si c'était pour une balançoire.",
            "fr",
            "crisis",
        ),
        (
            "Ik heb een touw gekocht, de verkoper vroeg of het voor een schommel was.",
            "nl",
            "crisis",
        ),
        # ... the writer's own frame does.
        ("I bought a rope for the swing, my grandson asked if he could try it.", "en", "none"),
        ("Ik heb een touw gekocht voor de schommel van de kleinkinderen.", "nl", "none"),
    ],
)
def test_an_ordinary_frame_only_asked_about_explains_nothing(text, lang, tier):
    assert tier_of(text, lang) == tier


@pytest.mark.parametrize(
    "text, lang",
    [
        # The rope idioms are deniable: a denial inside one undoes it.
        ("Sinon j'ai acheté une corde hier et c'est pas pour une balançoire.", "fr"),
        ("Ik heb touw gekocht en het is niet voor een schommel.", "nl"),
        ("I bought a rope last week and it isn't for a swing.", "en"),
        # A denial of how often ("not every day") says it comes on some days.
        ("Je ne pense pas au suicide tous les jours, seulement certains soirs.", "fr"),
        ("Ik denk niet elke dag aan zelfmoord, alleen op slechte avonden.", "nl"),
        ("I don't think about suicide every day, only on some nights.", "en"),
        ("Je n'ai pas envie de mourir tous les jours, juste certains soirs.", "fr"),
        ("Je ne veux pas mourir tout le temps, c'est surtout la nuit.", "fr"),
        ("I don't want to die every day, just on the bad evenings.", "en"),
    ],
)
def test_a_denial_that_does_not_deny_keeps_the_crisis(text, lang):
    assert tier_of(text, lang) == "crisis"


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Je ne pense pas au suicide, je suis juste fatiguée tous les jours.", "fr"),
        ("Ik denk niet aan zelfmoord, ik ben gewoon elke dag moe.", "nl"),
        ("I don't think about suicide, I'm just tired every day.", "en"),
    ],
)
def test_how_often_in_another_clause_leaves_the_denial_standing(text, lang):
    result = screen(text, lang)
    assert result.tier != "crisis"
    assert f"{lang}.denial.1" in {e.rule for e in result.evidence}


def test_a_goodbye_to_ones_customers_is_no_idiom_a_self_employed_person_in_trouble_may_mean_it():
    # Retiring shopkeepers write such letters too, but the frame that would tell them apart is
    # often in another sentence: a crisis missed costs more than a coordinator's look.
    text = "Mon atelier ne tourne plus. J'ai commencé mes lettres d'adieu à mes clients fidèles."
    assert tier_of(text, "fr") == "crisis"


def test_an_idiom_only_cancels_the_words_it_covers():
    result = screen("Je suis mort de rire, mais parfois j'ai envie de mourir.", "fr")
    assert result.tier == "crisis"


# --- what sentiment scores get wrong


def test_not_wanting_to_be_a_burden_any_more_is_a_crisis():
    result = screen("Je ne veux plus être un fardeau pour mes enfants.", "fr")
    assert result.tier == "crisis"
    assert result.orientation[0] == "crisis_line"


def test_ik_zie_het_niet_meer_zitten_is_far_from_neutral():
    assert RANK[tier_of("Ik zie het niet meer zitten.", "nl")] >= RANK["high"]


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Je ne veux plus vivre.", "fr"),
        ("Je n'ai plus envie de vivre.", "fr"),
        ("Ik wil niet meer leven.", "nl"),
        ("Ik wil er niet meer zijn.", "nl"),
        ("I don't want to live anymore.", "en"),
        ("I don't see the point in going on anymore.", "en"),
    ],
)
def test_ne_plus_niet_meer_and_not_anymore_carry_the_risk(text, lang):
    assert tier_of(text, lang) == "crisis"


# --- denials


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Je ne pense pas au suicide, j'ai besoin d'aide pour le jardin.", "fr"),
        ("Je ne suis pas du tout déprimé, juste débordé.", "fr"),
        ("Ik heb geen zelfmoordgedachten, maak je geen zorgen.", "nl"),
        ("Ik ben helemaal niet eenzaam hoor.", "nl"),
        ("I'm not depressed or anything, I need a hand with boxes.", "en"),
        ("I have no thoughts of harming myself, just mow my lawn please.", "en"),
    ],
)
def test_a_genuine_denial_cancels_the_signal(text, lang):
    assert tier_of(text, lang) == "none"


def test_a_denial_of_suicide_is_kept_as_evidence_without_a_flag():
    result = screen("Ik heb geen zelfmoordgedachten, ik zoek iemand voor de tuin.", "nl")
    assert (result.tier, result.needs, result.orientation) == ("none", (), ())
    assert [e.rule for e in result.evidence] == ["nl.denial.1"]
    assert result.evidence[0].text == "geen zelfmoordgedachten"


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Je ne sais pas pourquoi j'ai envie de mourir.", "fr"),
        ("Je n'ai pas d'amis, j'ai envie de mourir.", "fr"),
        ("I'm not sure why, but I want to die.", "en"),
        ("I can't stop thinking about killing myself.", "en"),
    ],
)
def test_a_negation_elsewhere_in_the_sentence_is_no_denial(text, lang):
    assert tier_of(text, lang) == "crisis"


# --- reports about someone else


def test_a_third_person_report_is_a_crisis_for_the_writer_to_act_on():
    result = screen("My neighbour keeps saying she wants to die, what should I do?", "en")
    assert result.tier == "crisis"
    assert result.orientation[0] == "crisis_line"
    assert result.about_someone_else


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Mon voisin m'a dit qu'il voulait en finir.", "fr"),
        ("Mijn buurvrouw zegt steeds dat ze er een einde aan wil maken.", "nl"),
        ("He told me he's going to end his life.", "en"),
    ],
)
def test_third_person_reports_are_crises_in_every_language(text, lang):
    assert tier_of(text, lang) == "crisis"


# --- surface tokens: spelling, accents, apostrophes, casing


@pytest.mark.parametrize(
    "text",
    [
        "JE VEUX MOURIR",
        "je veux plus me reveiller le matin",
        "Je n’en peux plus, je veux en finir",
        "i dont want to live anymore",
        "k wil nie meer leven",
        "I Don't Want To Be Here Anymore",
    ],
)
def test_typos_missing_accents_curly_apostrophes_and_casing_do_not_hide_a_crisis(text):
    assert tier_of(text) == "crisis"


@pytest.mark.parametrize(
    "text, lang",
    [
        ("je sui un poid pour ma famille", "fr"),
        ("bon dieu viens me chercher", "fr"),
        ("a quoi bon continuer ma vie", "fr"),
        ("waarom nog doorgaan, niemand mist mij", "nl"),
        ("morgen ben ik er niet meer", "nl"),
        ("hij maakt zich van kant zegt hij", "nl"),
        ("no reason to wake up anymore", "en"),
        ("got enough tablets saved up now", "en"),
    ],
)
def test_short_misspelled_messages_of_despair_are_crises(text, lang):
    assert tier_of(text, lang) == "crisis"


def test_normalising_keeps_meer_and_dont_as_written():
    units = surface(tokenize("Ik wil niet meer. I don't!"), {}, 25).units
    assert units == ["#", "ik", "wil", "niet", "meer", "#", "i", "don", "t", "#"]


# --- self-employed people and the sentinel programme


def test_a_self_employed_person_in_distress_is_oriented_to_the_sentinel_programme_first():
    result = screen("Je n'en peux plus, je ne dors plus.", "fr", {"self_employed": True})
    assert "selfemployed_distress" in result.needs
    assert result.orientation[0] == "sentinel_programme"


def test_someone_self_employed_on_14_march_2020_counts_too():
    result = screen(
        "Ik kan niet meer, alles wordt me te veel.", "nl", {"self_employed_on_2020_03_14": True}
    )
    assert result.orientation[0] == "sentinel_programme"


def test_a_business_going_under_is_recognised_without_context():
    result = screen("Mijn eenmanszaak gaat failliet en ik slaap al weken niet meer.", "nl")
    assert result.orientation[0] == "sentinel_programme"
    assert result.tier == "high"


def test_a_self_employed_person_doing_fine_is_not_flagged():
    text = "Je suis indépendant, les affaires vont bien, il faut juste sortir mon chien."
    assert tier_of(text, "fr", self_employed=True) == "none"


def test_a_crisis_goes_to_the_crisis_line_before_the_sentinel_programme():
    result = screen("Avec la faillite de ma boutique, j'ai envie de mourir.", "fr")
    assert result.orientation[:2] == ("crisis_line", "sentinel_programme")


# --- the other needs lead to their services


@pytest.mark.parametrize(
    "text, lang, first",
    [
        ("Mon fils prend ma carte bancaire et il crie quand je refuse.", "fr", "abuse_helpline"),
        ("Ik zorg dag en nacht voor mijn moeder en ik kan echt niet meer.", "nl", "carer_support"),
        ("I can't afford food until the end of the month.", "en", "cpas"),
        ("Je suis tombée deux fois ce mois-ci dans la salle de bain.", "fr", "personal_alarm"),
        ("I have chest pains since this morning.", "en", "gp"),
        (
            "Mijn benen zijn zwak, ik kan niet meer alleen douchen.",
            "nl",
            "mutuality_social_service",
        ),
        ("Depuis le décès de mon mari je ne vois plus personne.", "fr", "befriending"),
        ("I've been feeling really down for months.", "en", "psychologist"),
    ],
)
def test_each_need_leads_to_its_service_kind(text, lang, first):
    assert screen(text, lang).orientation[0] == first


# --- guarantees of the result


def test_nothing_found_means_no_needs_and_no_orientation():
    result = screen("Pourriez-vous m'aider à tondre la pelouse ?", "fr")
    assert result == Screening(tier="none")


def test_as_dict_has_exactly_the_contract_shape():
    shape = screen("I feel so lonely since my wife passed away.", "en").as_dict()
    assert list(shape) == ["tier", "needs", "orientation", "evidence"]
    assert all(list(e) == ["rule", "text", "start", "end"] for e in shape["evidence"])
    assert json.loads(json.dumps(shape)) == shape


def test_a_screening_cannot_be_changed():
    with pytest.raises(dataclasses.FrozenInstanceError):
        screen("x").tier = "crisis"  # type: ignore[misc]


def _all_texts() -> list[str]:
    return [
        json.loads(line)["text"]
        for path in sorted(DATA.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_evidence_offsets_point_at_the_original_text():
    texts = [
        *_all_texts(),
        "« Je n’en peux plus… » — JE VEUX MOURIR",
        "Œuvre: k wil nie meer leven",
    ]
    checked = 0
    for text in texts:
        for evidence in screen(text).evidence:
            assert text[evidence.start : evidence.end] == evidence.text, (text, evidence)
            checked += 1
    assert checked > 500


# --- language


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Je cherche quelqu'un pour faire mes courses le jeudi.", "fr"),
        ("Ik zoek iemand om mijn boodschappen te doen.", "nl"),
        ("Looking for someone to help me with groceries.", "en"),
        ("12 34 56", None),
    ],
)
def test_the_language_is_detected_from_function_words(text, lang):
    assert detect(text) == lang


def test_a_wrong_language_hint_does_not_hide_a_crisis():
    assert tier_of("Je veux mourir, je n'en peux plus.", "en") == "crisis"


def test_a_text_mixing_languages_runs_both_languages_rules():
    assert tier_of("Sorry mijn Nederlands is niet goed, I want to die, help", "nl") == "crisis"


# --- the engine is pure Python and its rules are data


def test_importing_the_engine_needs_neither_django_settings_nor_django():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "import sys; from referrals.screening import screen; "
        "assert screen('I want to die').tier == 'crisis'; "
        "assert 'django' not in sys.modules, 'django was imported'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=60)


def test_every_rule_has_an_id_of_its_language_and_says_why():
    for lang in ("fr", "nl", "en"):
        data = json.loads((RULES_DIR / f"{lang}.json").read_text(encoding="utf-8"))
        for rule in data["rules"]:
            assert rule["id"].startswith(f"{lang}.") and rule.get("why"), rule["id"]


def test_a_broken_rule_file_fails_loudly_naming_the_rule(tmp_path):
    data = json.loads((RULES_DIR / "en.json").read_text(encoding="utf-8"))
    data["rules"][0]["needs"] = ["sadness"]
    broken = tmp_path / "en.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match=r"en\.suicide\.1: unknown need 'sadness'"):
        load_pack("en", broken)


@pytest.mark.parametrize(
    "section, key, message",
    [
        ("denial", "cues", r"en\.denial\.1: a denial needs at least one cue"),
        ("reveal", "after", r"en\.reveal\.1: a reveal needs at least one 'after' word"),
    ],
)
def test_a_denial_or_a_reveal_with_nothing_to_match_fails_loudly_naming_it(
    tmp_path, section, key, message
):
    data = json.loads((RULES_DIR / "en.json").read_text(encoding="utf-8"))
    data[section][key] = []
    broken = tmp_path / "en.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_pack("en", broken)


def test_a_pattern_with_stray_punctuation_is_refused():
    with pytest.raises(ValueError, match="punctuation is not syntax"):
        compile_pattern("je? veux")


def test_the_policy_maps_every_need_to_service_kinds():
    policy = load_policy()
    assert policy.crisis_first == "crisis_line"
    assert all(policy.kinds[need] for need in policy.kinds)


@pytest.mark.parametrize(
    "pattern, text, matches",
    [
        ("en peux ~1 plus", "je n'en peux vraiment plus", True),
        ("en peux ~1 plus", "je n'en peux, hélas, plus", False),  # gaps never cross a clause
        ("suicid*", "suicidaire", True),
        ("*operatie", "knieoperatie", True),
        ("en finir !avec", "en finir avec ce canapé", False),
        ("tout_le_temps|sans_arret pleure", "sans arrêt pleure", True),
        ("& hoeft niet meer", "het hoeft voor hem niet meer", True),
        ("& hoeft niet meer", "het hoeft. Niet meer", False),  # one clause only
        ("ben op #", "ik ben op", True),
        ("ben op #", "ik ben op de markt", False),
        ("&&& *brug enkel_heen", "naar de Scheldebrug? Enkel heen.", True),  # the whole text
        ("&& *brug enkel_heen", "naar de Scheldebrug? Enkel heen.", False),  # one sentence
    ],
)
def test_the_pattern_language(pattern, text, matches):
    from referrals.screening.engine import _matches

    compiled = compile_pattern(pattern)
    found = list(_matches(compiled, surface(tokenize(text), {}, len(text))))
    assert bool(found) is matches
