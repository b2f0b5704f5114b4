# ruff: noqa: E501
"""The demo content: invented films, people, critics, reviews and reader comments.

Every film, person and sentence here was written for this project; none of it is taken from a
real review. Review bodies live in `bodies/<slug>.md` so they read like what an author would
type into the admin. Dates are relative (days before the day the seed runs) so the demo always
looks recent.
"""

from dataclasses import dataclass
from datetime import date

# --- accounts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str


# Fixed, published passwords: for a local demo only (the command refuses to run with DEBUG off
# unless told otherwise). The README names these.
DEMO_ACCOUNTS = (
    DemoAccount("admin", "admin-demo-2026", "superuser: everything in /admin/"),
    DemoAccount("author", "author-demo-2026", "author (Iris Calloway): reviews in /admin/"),
    DemoAccount("critic2", "critic2-demo-2026", "author (Theo Marchetti)"),
    DemoAccount("critic3", "critic3-demo-2026", "author (Priya Natarajan)"),
    DemoAccount("moderator", "moderator-demo-2026", "moderator: /moderation/ and comments"),
)

STAFF = {
    "admin": {"email": "admin@example.com", "first_name": "Ada", "last_name": "Admin"},
    "moderator": {"email": "moderator@example.com", "first_name": "Morgan", "last_name": "Reyes"},
}

AUTHORS = [
    {
        "username": "author",
        "email": "iris.calloway@example.com",
        "first_name": "Iris",
        "last_name": "Calloway",
        "display_name": "Iris Calloway",
        "slug": "iris-calloway",
        "website": "https://iris-calloway.example.com/",
        "bio": (
            "I'm the one who started Reel Notes, at a kitchen table, after ten years of arguing "
            "about films on the walk home from the cinema. I write about the ones that are still "
            "with me the next morning. Usual seat: row F, on the aisle, with a notebook I can't "
            "read in the dark."
        ),
    },
    {
        "username": "critic2",
        "email": "theo.marchetti@example.com",
        "first_name": "Theo",
        "last_name": "Marchetti",
        "display_name": "Theo Marchetti",
        "slug": "theo-marchetti",
        "website": "https://theomarchetti.example.net/",
        "bio": (
            "I subtitle films for a living, which means I have watched some scenes forty times "
            "and have strong opinions about where they should have been cut. Here I write about "
            "thrillers, endings, and the second opinion nobody asked for."
        ),
    },
    {
        "username": "critic3",
        "email": "priya.natarajan@example.com",
        "first_name": "Priya",
        "last_name": "Natarajan",
        "display_name": "Priya Natarajan",
        "slug": "priya-natarajan",
        "website": "https://priya-after-dark.example.org/",
        "bio": (
            "I joined Reel Notes to cover the films the others are too sensible to watch: "
            "horror, westerns, anything with a map or a monster in it. I keep every ticket stub "
            "in a biscuit tin and I am not ashamed."
        ),
    },
]

# --- films -------------------------------------------------------------------------------------

GENRES = {
    "drama": "Drama",
    "science-fiction": "Science Fiction",
    "romance": "Romance",
    "comedy": "Comedy",
    "mystery": "Mystery",
    "thriller": "Thriller",
    "horror": "Horror",
    "western": "Western",
    "animation": "Animation",
    "family": "Family",
}

PEOPLE = {
    # directors
    "maren-holloway": (
        "Maren Holloway",
        "Scottish director who spent ten years cutting documentaries for regional television before her first feature. Her films favour small casts, remote places and long, patient takes.",
    ),
    "adaeze-okafor": (
        "Adaeze Okafor",
        "Writer-director raised in Lagos and trained in London. She made her name with ensemble comedies about loud, loving families before turning to mystery.",
    ),
    "rafael-quintero": (
        "Rafael Quintero",
        "Began in music videos in Mexico City. His features are known for saturated colour, quick cutting and a soft spot for misfits.",
    ),
    "ingrid-solberg": (
        "Ingrid Solberg",
        "Norwegian director and former sound designer. Her films are very quiet until, suddenly, they are not.",
    ),
    "kenji-amano": (
        "Kenji Amano",
        "Animator and storyboard artist who drew for other directors for a decade before making films of his own, animated and live-action.",
    ),
    # writers
    "tobias-reyne": (
        "Tobias Reyne",
        "Screenwriter who started in radio drama; a regular collaborator of Maren Holloway.",
    ),
    "lucia-ferrant": (
        "Lucia Ferrant",
        "Novelist whose fourth book became her first screenplay. She still writes every draft by hand.",
    ),
    "dominic-asare": (
        "Dominic Asare",
        "Comedy writer for television who moved into features with a romantic comedy set in an aquarium.",
    ),
    "hal-brennick": (
        "Hal Brennick",
        "Former local-newspaper reporter turned screenwriter, drawn to stories about land and who owns it.",
    ),
    "sigrid-moe": (
        "Sigrid Moe",
        "Playwright and screenwriter known for tightly plotted chamber pieces; she has written both of Ingrid Solberg's features.",
    ),
    "mei-tanabe": (
        "Mei Tanabe",
        "Children's author and scriptwriter. Her picture books have been translated into eleven languages.",
    ),
    # cast
    "elodie-marchand": (
        "Elodie Marchand",
        "French-British actor who moves between stage and screen. Often cast as scientists, which she finds very funny.",
    ),
    "callum-ferris": (
        "Callum Ferris",
        "Irish actor with a gift for stillness; began in theatre in Galway.",
    ),
    "nia-castellanos": (
        "Nia Castellanos",
        "Actor and occasional director, known for sharp, funny supporting roles before her first lead.",
    ),
    "piet-van-aalst": (
        "Piet van Aalst",
        "Dutch character actor with more than forty film credits, mostly as men in charge of something.",
    ),
    "alasdair-munro": (
        "Alasdair Munro",
        "Veteran Scottish actor of stage, screen and radio, and a familiar voice in audio drama.",
    ),
    "isla-dunmore": (
        "Isla Dunmore",
        "Came to film from youth theatre in Dundee; her first leading role was behind the wheel of a night bus.",
    ),
    "temi-balogun": (
        "Temi Balogun",
        "Nigerian-British actor and stand-up comedian with a famously dry delivery.",
    ),
    "chioma-eze": (
        "Chioma Eze",
        "Actor and photographer, which came in handy on the set of her breakthrough film.",
    ),
    "ife-lawal": (
        "Ife Lawal",
        "Made her screen debut while still at drama school and has been stealing scenes since.",
    ),
    "marcus-doyle": (
        "Marcus Doyle",
        "Comic actor known for playing pompous, rule-loving men with great affection.",
    ),
    "oskar-brandt": (
        "Oskar Brandt",
        "German-born actor who works in three languages and is often cast as quiet, weathered professionals.",
    ),
    "harold-pym": (
        "Harold Pym",
        "English actor with a long career in supporting roles and a voice much in demand for animation.",
    ),
    "wen-li": (
        "Wen Li",
        "Actor and dancer whose roles tend to be small, strange and unforgettable.",
    ),
    "diego-arrieta": (
        "Diego Arrieta",
        "Mexican actor equally at home in comedy and westerns; a regular in Rafael Quintero's films.",
    ),
    "hannah-kell": (
        "Hannah Kell",
        "Actor and voice artist whose range runs from romantic comedy to horror to a paper butterfly.",
    ),
    "jo-whitlock": (
        "Jo Whitlock",
        "Character actor with a dry, sideways humour, best known for playing farmers, ranchers and mothers who mean business.",
    ),
    "greta-lindqvist": (
        "Greta Lindqvist",
        "Swedish-born actor who trained in London; known for restrained, watchful performances.",
    ),
    "rowan-tate": (
        "Rowan Tate",
        "Young actor cast in his first film after an open audition at a village hall.",
    ),
}

FILMS = [
    {
        "slug": "the-quiet-frequency",
        "title": "The Quiet Frequency",
        "year": 2023,
        "release_date": date(2023, 10, 13),
        "certification": "PG-13",
        "runtime_minutes": 118,
        "genres": ["science-fiction", "romance", "drama"],
        "synopsis": "Sent to keep a failing radio observatory running through its final winter, astronomer Wren Ashby begins to pick up a faint transmission that seems to be answering her. As the signal grows clearer, so does the voice behind it, and so does her bond with the station's stubborn engineer.",
        "directors": ["maren-holloway"],
        "writers": ["tobias-reyne"],
        "cast": [
            ("elodie-marchand", "Wren Ashby"),
            ("callum-ferris", "Jonah Pell"),
            ("nia-castellanos", "Director Ruth Amsel"),
            ("piet-van-aalst", "The Voice on Channel Nine"),
        ],
        "motif": "rings",
        "hue": 0.38,  # poster base colour, spread round the colour wheel
        "tagline": "Some signals are worth the wait.",
    },
    {
        "slug": "harbour-lights",
        "title": "Harbour Lights",
        "year": 2019,
        "release_date": date(2019, 5, 24),
        "certification": "PG",
        "runtime_minutes": 104,
        "genres": ["drama"],
        "synopsis": "Ferry captain Ewan Baird has made the crossing to the island every day for thirty-one years, and a new bridge will end it in the autumn. Over one last summer he must decide what comes after the boat, while his son comes home with troubles of his own.",
        "directors": ["maren-holloway"],
        "writers": ["tobias-reyne"],
        "cast": [
            ("alasdair-munro", "Captain Ewan Baird"),
            ("callum-ferris", "Rory Baird"),
            ("isla-dunmore", "Kirsty Baird"),
            ("greta-lindqvist", "Morag Sinclair"),
        ],
        "motif": "waves",
        "hue": 0.6,  # poster base colour, spread round the colour wheel
        "tagline": "Thirty-one years. One last summer.",
    },
    {
        "slug": "paper-moons",
        "title": "Paper Moons",
        "year": 2021,
        "release_date": date(2021, 8, 6),
        "certification": "PG-13",
        "runtime_minutes": 97,
        "genres": ["comedy", "drama"],
        "synopsis": "Three sisters inherit their late father's struggling wedding-photography studio, along with its debts and a rival who wants the lease. To keep the doors open they must shoot the wedding of the year on a budget of almost nothing.",
        "directors": ["adaeze-okafor"],
        "writers": ["adaeze-okafor"],
        "cast": [
            ("temi-balogun", "Kemi Adebayo"),
            ("chioma-eze", "Bisi Adebayo"),
            ("ife-lawal", "Tolu Adebayo"),
            ("marcus-doyle", "Gideon Stroud"),
        ],
        "motif": "moons",
        "hue": 0.97,  # poster base colour, spread round the colour wheel
        "tagline": "Three sisters. One studio. No budget.",
    },
    {
        "slug": "the-cartographers-daughter",
        "title": "The Cartographer's Daughter",
        "year": 2024,
        "release_date": date(2024, 3, 15),
        "certification": "PG-13",
        "runtime_minutes": 126,
        "genres": ["mystery", "drama"],
        "synopsis": "When her father dies, Alma Reyes-Hart inherits forty years of his hand-drawn survey maps, and finds on one of them a town that appears nowhere else. She drives out to look for it, and discovers that its residents have been expecting her.",
        "directors": ["adaeze-okafor"],
        "writers": ["lucia-ferrant"],
        "cast": [
            ("nia-castellanos", "Alma Reyes-Hart"),
            ("oskar-brandt", "Felix Hart"),
            ("temi-balogun", "Deputy June Okoye"),
            ("harold-pym", "Mayor Silas Crane"),
            ("wen-li", "Ada"),
        ],
        "motif": "contours",
        "hue": 0.12,  # poster base colour, spread round the colour wheel
        "tagline": "Every map is a promise.",
    },
    {
        "slug": "night-shift-at-the-aquarium",
        "title": "Night Shift at the Aquarium",
        "year": 2022,
        "release_date": date(2022, 2, 11),
        "certification": "PG",
        "runtime_minutes": 101,
        "genres": ["romance", "comedy"],
        "synopsis": "A marine-biology dropout takes a job as the overnight security guard at a city aquarium and clashes with the keeper who works the same lonely hours. Between feeding rounds and false alarms the two begin to fall for each other, just as the aquarium faces closure.",
        "directors": ["rafael-quintero"],
        "writers": ["dominic-asare"],
        "cast": [
            ("diego-arrieta", "Tomás Ibarra"),
            ("hannah-kell", "Rosie Finch"),
            ("marcus-doyle", "Mr Pettigrew"),
        ],
        "motif": "bubbles",
        "hue": 0.5,  # poster base colour, spread round the colour wheel
        "tagline": "Love is a little fishy after midnight.",
    },
    {
        "slug": "ironwood",
        "title": "Ironwood",
        "year": 2018,
        "release_date": date(2018, 9, 7),
        "certification": "R",
        "runtime_minutes": 112,
        "genres": ["western", "thriller"],
        "synopsis": "A weary surveyor arrives in a copper-mining valley to draw the boundary that will decide who owns its water. When a rancher's well is poisoned he is pulled into a feud in which every side wants the line drawn its way.",
        "directors": ["rafael-quintero"],
        "writers": ["hal-brennick"],
        "cast": [
            ("oskar-brandt", "Eli Cavender"),
            ("jo-whitlock", "Ma Greer"),
            ("diego-arrieta", "The Kid"),
            ("harold-pym", "Sheriff Amos Tull"),
        ],
        "motif": "peaks",
        "hue": 0.03,  # poster base colour, spread round the colour wheel
        "tagline": "Whoever draws the line owns the water.",
    },
    {
        "slug": "static-bloom",
        "title": "Static Bloom",
        "year": 2024,
        "release_date": date(2024, 10, 25),
        "certification": "R",
        "runtime_minutes": 94,
        "genres": ["horror", "science-fiction"],
        "synopsis": "On an Arctic research station, a grieving botanist notices that her experimental crop grows faster when the radio is tuned to static. As the plants spread through the greenhouse, the three-person crew begin to disagree about what, exactly, they are listening to.",
        "directors": ["ingrid-solberg"],
        "writers": ["sigrid-moe"],
        "cast": [
            ("elodie-marchand", "Dr Hanne Lyst"),
            ("piet-van-aalst", "Erik Dahl"),
            ("hannah-kell", "Sunniva Berg"),
        ],
        "motif": "bloom",
        "hue": 0.8,  # poster base colour, spread round the colour wheel
        "tagline": "Something is growing in the static.",
    },
    {
        "slug": "small-hours",
        "title": "Small Hours",
        "year": 2020,
        "release_date": date(2020, 11, 20),
        "certification": "R",
        "runtime_minutes": 89,
        "genres": ["thriller", "drama"],
        "synopsis": "Cass Merrin drives the last night bus on a lonely rural route. One night a stranger boards at a stop where nobody ever gets on, with no ticket and a story that keeps changing, and the long ride back to the depot becomes a test of nerve for both of them.",
        "directors": ["ingrid-solberg"],
        "writers": ["sigrid-moe"],
        "cast": [
            ("isla-dunmore", "Cass Merrin"),
            ("wen-li", "The Passenger"),
            ("alasdair-munro", "Frank, the dispatcher (voice)"),
        ],
        "motif": "road",
        "hue": 0.7,  # poster base colour, spread round the colour wheel
        "tagline": "Last stop. First passenger.",
    },
    {
        "slug": "glasswing",
        "title": "Glasswing",
        "year": 2026,
        "release_date": date(2026, 12, 4),
        "certification": "G",
        "runtime_minutes": 92,
        "genres": ["animation", "family"],
        "synopsis": "A paper butterfly folded by an old clockmaker is blown out of his window on the first windy day of spring. It has a single day to cross the city and reach his granddaughter before the rain comes.",
        "directors": ["kenji-amano"],
        "writers": ["mei-tanabe"],
        "cast": [
            ("hannah-kell", "Pip (voice)"),
            ("wen-li", "Kite (voice)"),
            ("harold-pym", "The Clockmaker (voice)"),
        ],
        "motif": "wing",
        "hue": 0.88,  # poster base colour, spread round the colour wheel
        "tagline": "One day. One city. One paper wing.",
    },
    {
        "slug": "the-long-field",
        "title": "The Long Field",
        "year": 2017,
        "release_date": date(2017, 7, 14),
        "certification": "PG",
        "runtime_minutes": 131,
        "genres": ["drama"],
        "synopsis": "Over one long summer, from the first cut of hay to the September auction, a farming family prepares to sell the land they have worked for three generations. Ruth and Walter Fenwick disagree about almost everything except how much they will miss it.",
        "directors": ["kenji-amano"],
        "writers": ["kenji-amano"],
        "cast": [
            ("jo-whitlock", "Ruth Fenwick"),
            ("alasdair-munro", "Walter Fenwick"),
            ("greta-lindqvist", "Annie Fenwick"),
            ("rowan-tate", "Danny Shaw"),
        ],
        "motif": "field",
        "hue": 0.22,  # poster base colour, spread round the colour wheel
        "tagline": "The last summer before the sale.",
    },
]

# --- reviews -----------------------------------------------------------------------------------
# `days_ago` and `time` place publication at a local time that many days before the seed runs;
# `updated_after_days` sets "Updated" that long after publication. Bodies: bodies/<slug>.md.

REVIEWS = [
    {
        "slug": "the-quiet-frequency-review",
        "film": "the-quiet-frequency",
        "author": "author",
        "headline": "The Quiet Frequency — a love story told in static",
        "standfirst": "Maren Holloway's remote-station romance is the most tender science fiction I have seen in years, and it barely raises its voice.",
        "rating": "10",
        "days_ago": 300,
        "time": "07:30",
        "related": ["the-quiet-frequency-second-opinion", "harbour-lights-review"],
        "images": [
            {
                "prop": "dish",
                "night": True,
                "alt": "A radio dish silhouetted against a starry violet night sky above dark hills",
                "caption": "The array on the one clear night of Wren's winter.",
            },
            {
                "prop": "house",
                "night": False,
                "alt": "A small hut with one lit window on a hillside under a pale evening sky",
                "caption": "The station hut at dusk, the only light for miles.",
            },
        ],
    },
    {
        "slug": "ironwood-review",
        "film": "ironwood",
        "author": "critic3",
        "headline": "Ironwood review: a western that forgot to saddle up",
        "standfirst": "Rafael Quintero brings his candy-coloured style to the frontier, and buries a promising revenge story under a pile of slow motion.",
        "rating": "3.5",
        "days_ago": 280,
        "time": "18:00",
        "comments_open": False,
        "related": ["night-shift-at-the-aquarium-review"],
    },
    {
        "slug": "harbour-lights-review",
        "film": "harbour-lights",
        "author": "author",
        "headline": "Harbour Lights — the last crossing",
        "standfirst": "Before The Quiet Frequency, Maren Holloway made this gentle, salt-stung drama about a ferry captain's final summer. It deserves to be found.",
        "rating": "8.5",
        "days_ago": 250,
        "time": "08:15",
        "related": ["the-quiet-frequency-review"],
        "images": [
            {
                "prop": "lighthouse",
                "night": False,
                "alt": "A lighthouse silhouetted against a pale green evening sky over dark hills",
                "caption": "The light on the point: the last landmark before the island.",
            },
        ],
    },
    {
        "slug": "paper-moons-review",
        "film": "paper-moons",
        "author": "critic3",
        "headline": "Paper Moons review: three sisters, one studio, too many plots",
        "standfirst": "Adaeze Okafor's warm comedy about a family wedding-photography business is funny, generous and about twenty minutes too full.",
        "rating": "6.5",
        "days_ago": 220,
        "time": "12:00",
    },
    {
        "slug": "small-hours-review",
        "film": "small-hours",
        "author": "critic2",
        "headline": "Small Hours — one bus, one night, no wasted minutes",
        "standfirst": "Ingrid Solberg's night-bus thriller is an eighty-nine-minute lesson in tension, and Isla Dunmore is extraordinary in it.",
        "rating": "9.5",
        "days_ago": 190,
        "time": "20:30",
        "updated_after_days": 40,
        "images": [
            {
                "prop": "bus",
                "night": True,
                "alt": "A lit night bus crossing dark hills under a starry sky",
                "caption": "The last bus of the night, and the only moving light for miles.",
            },
        ],
    },
    {
        "slug": "night-shift-at-the-aquarium-review",
        "film": "night-shift-at-the-aquarium",
        "author": "author",
        "headline": "Night Shift at the Aquarium — sweet, slight and full of fish",
        "standfirst": "Rafael Quintero's romantic comedy has charm to spare, and a premise that runs out of water halfway through.",
        "rating": "5.5",
        "verdict": "Sweet but slight",
        "days_ago": 160,
        "time": "09:00",
    },
    {
        "slug": "the-long-field-review",
        "film": "the-long-field",
        "author": "critic3",
        "headline": "The Long Field review: a summer you can almost smell",
        "standfirst": "Kenji Amano's first live-action film is slow, sun-bleached and occasionally maddening, and I have not stopped thinking about it.",
        "rating": "7",
        "days_ago": 130,
        "time": "07:45",
    },
    {
        "slug": "the-quiet-frequency-second-opinion",
        "film": "the-quiet-frequency",
        "author": "critic2",
        "headline": "The Quiet Frequency: a second opinion",
        "standfirst": "Our editor gave it ten out of ten. I admired Maren Holloway's science-fiction romance a great deal, and I still think its last act blinks.",
        "rating": "7.5",
        "days_ago": 100,
        "time": "19:00",
        "related": ["the-quiet-frequency-review", "harbour-lights-review"],
    },
    {
        "slug": "static-bloom-review",
        "film": "static-bloom",
        "author": "author",
        "headline": "Static Bloom — a greenhouse horror that never quite germinates",
        "standfirst": "Ingrid Solberg follows Small Hours with an Arctic chiller full of arresting images and short on the dread that made her name.",
        "rating": "4.5",
        "days_ago": 75,
        "time": "08:00",
        "related": ["static-bloom-second-look", "small-hours-review"],
    },
    {
        "slug": "the-cartographers-daughter-review",
        "film": "the-cartographers-daughter",
        "author": "critic2",
        "headline": "The Cartographer's Daughter — a mystery drawn to scale",
        "standfirst": "Adaeze Okafor's adaptation of Lucia Ferrant's novel is the best mystery I have seen in years: precise, playful and quietly heartbreaking.",
        "rating": "10",
        "days_ago": 50,
        "time": "07:00",
        "updated_after_days": 6,
        "related": ["the-cartographers-daughter-map-and-territory", "paper-moons-review"],
        "images": [
            {
                "prop": "house",
                "night": False,
                "alt": "A small house with one lit window on a green hillside under a pale sky",
                "caption": "Aldwater's outskirts, the way Felix drew them.",
            },
            {
                "prop": "tree",
                "night": True,
                "alt": "A lone tree on a dark ridge under a night sky full of stars",
                "caption": "The edge of the map: the ridge beyond which nothing is drawn.",
            },
        ],
    },
    {
        "slug": "static-bloom-second-look",
        "film": "static-bloom",
        "author": "critic3",
        "headline": "Static Bloom review: I wanted to like this plant more",
        "standfirst": "A horror fan's take on Ingrid Solberg's greenhouse chiller: gorgeous to look at, and almost entirely inert.",
        "rating": "3",
        "verdict": "Wilted",
        "days_ago": 28,
        "time": "21:15",
        "related": ["static-bloom-review"],
    },
    {
        "slug": "the-cartographers-daughter-map-and-territory",
        "film": "the-cartographers-daughter",
        "author": "critic3",
        "headline": "The Cartographer's Daughter: the map is not the territory",
        "standfirst": "Theo called it a masterpiece. I think it is a very good mystery with a slightly over-neat last chapter, and a town I would happily get lost in again.",
        "rating": "8",
        "days_ago": 9,
        "time": "10:30",
        "related": ["the-cartographers-daughter-review"],
    },
    {
        "slug": "ironwood-reconsidered",
        "film": "ironwood",
        "author": "critic2",
        "headline": "Ironwood, reconsidered",
        "standfirst": "Eight years on, Rafael Quintero's much-mocked western looks better than I remembered. Not good, exactly. Better.",
        "rating": "5",
        "status": "draft",
    },
    {
        "slug": "glasswing-review",
        "film": "glasswing",
        "author": "author",
        "headline": "Glasswing — paper, light and a very small hero",
        "standfirst": "Kenji Amano returns to animation with a hand-drawn adventure about a paper butterfly crossing a city. Bring tissues, and possibly a child.",
        "rating": "8.5",
        "status": "scheduled",
        "days_ago": -7,  # a week from now: still scheduled whenever the seed is rerun
        "time": "08:00",
    },
]

# --- comments ----------------------------------------------------------------------------------
# A thread is a tree of c(name, body, *replies, **fields). A name starting with "@" is an author
# account (REVIEW_AUTHOR: whoever wrote the review); everyone else is a reader whose email is
# made up on an example.* domain. Fields: url, rating (top level only), status, email.

REVIEW_AUTHOR = "@review-author"


def c(name, body, *replies, **fields):
    return {"name": name, "body": body, "replies": replies, **fields}


HOLLIS_URL = "https://hollisgrant.example.net/"
KAVYA_URL = "https://kavya-watches.example.org/"
OWEN_URL = "https://owenwritesaboutfilm.example.com/"

COMMENTS = {
    "the-quiet-frequency-review": [
        c(
            "Hollis Grant",
            "Saw this on your recommendation last night and I'm still thinking about the lentils. Also the ending, obviously. That last shot of the hut with the light still on got me.",
            c(
                REVIEW_AUTHOR,
                "The lentils are the secret heart of the film, Hollis. I'm so glad it landed for you.",
                c(
                    "Hollis Grant",
                    "Question though: do you think Jonah knew about the signal all along? There's a shot early on where he has headphones on and I can't work out what he's listening to.",
                    c(
                        REVIEW_AUTHOR,
                        "I wondered the same! On my third watch I'm fairly sure it's just the shipping forecast, which is a joke in itself. But the film lets you read it either way.",
                        c(
                            "Marguerite Osei",
                            'It is the shipping forecast: you can just hear "Hebrides" under the hiss if you turn it right up. I checked with the subtitles on.',
                        ),
                        url=HOLLIS_URL,
                    ),
                    url=HOLLIS_URL,
                ),
            ),
            url=HOLLIS_URL,
            rating=9,
        ),
        c(
            "Ben Tallis",
            "Gorgeous, but the middle drags for me and I never bought the director subplot. A seven, at a push.",
            c(REVIEW_AUTHOR, "Fair! Theo is writing a second opinion, so you will have company."),
            c(
                "Kavya Rao",
                "The middle drags? The middle is the best bit! The decoding scene is the only time the film lets itself be a thriller.",
                c("Ben Tallis", "That is exactly my problem with it, ha. Agree to disagree."),
                url=KAVYA_URL,
            ),
            rating=7,
        ),
        c(
            "Ana Lucía Ferreira",
            "Does anyone know if the observatory is a real place? Those dishes look too good to be a set.",
            c(
                "Dougie McPhail",
                "There's a real array a bit like it up north, but I read that they built the hut as a set and added the dishes in most of the wide shots.",
                c("Ana Lucía Ferreira", "Thank you! Now I want to go anyway."),
            ),
        ),
        c(
            "@critic2",
            "For the record, I'm writing the dissenting view. Nothing personal, boss.",
            c(REVIEW_AUTHOR, "I am sharpening my red pen."),
        ),
        c(
            "Pete Szabo",
            "Lovely review. You've made me want to watch something I had written off as another lonely-astronaut film. It isn't one, is it?",
            c(REVIEW_AUTHOR, "It really isn't. Nobody even leaves the planet."),
        ),
        c(
            "Cheap Film Streams",
            "Watch The Quiet Frequency full movie free HD no signup!!! best site 2026 http://cheap-film-streams.example.com/qf http://free-hd-movies.example.net/watch",
            url="https://cheap-film-streams.example.com/",
            status="spam",
        ),
        c(
            "Jonty",
            "Ten out of ten is a bit much for a film where nothing happens for the first half hour, isn't it?",
            status="pending",
        ),
    ],
    "ironwood-review": [
        c(
            "Frank O'Dowd",
            "Saw it at a drive-in and the slow motion was even funnier with car horns going off. Agree on every point.",
            rating=3,
        ),
        c(
            "Clara Vos",
            "Harsh! I thought the look was the point. Not every western has to be about tension; this one is about landscape.",
            c(
                REVIEW_AUTHOR,
                "That's a fair reading, Clara, and I wish the script had committed to it. When it slows down for the land it's wonderful. It just keeps stopping to shoot people.",
                c("Clara Vos", "Okay, the gunfights were a mess. I'll give you that."),
            ),
            rating=7,
        ),
        c(
            "SEO Wizard",
            "Great post!! Very informative. I also write about movies, visit my site for the best western movie list http://seo-wizard.example.net/westerns ranking guaranteed",
            url="https://seo-wizard.example.net/",
            status="spam",
        ),
        c(
            "angryviewer",
            "Whoever made this should be ashamed and so should anyone who paid to see it. The director should never be allowed near a camera again.",
            status="removed",
        ),
    ],
    "harbour-lights-review": [
        c(
            "Dougie McPhail",
            "Grew up on an island with a ferry just like this one. The seagull on the wheelhouse roof is painfully accurate. Every skipper has a seagull.",
            c(
                REVIEW_AUTHOR,
                "I had a feeling someone would confirm the seagull. Thank you, Dougie.",
            ),
            rating=9,
        ),
        c(
            "Rosalind Achebe-Wright",
            "Is it streaming anywhere? I can only find it on DVD.",
            c(
                "Owen Pritchard",
                "It turns up on one of the free channels every few months. The DVD is worth it, though: there's a commentary where Holloway talks about filming on a working ferry.",
                c("Rosalind Achebe-Wright", "Ordered. Thanks, Owen!"),
                url=OWEN_URL,
            ),
        ),
        c(
            "Mei-Ling Choi",
            "Agree that Kirsty deserved more. Isla Dunmore has two scenes and walks off with the film. No wonder she got the lead in Small Hours.",
        ),
    ],
    "paper-moons-review": [
        c(
            "Kavya Rao",
            "The headlamp wedding! I cried laughing. You're right about the goat, though.",
            c(REVIEW_AUTHOR, "The goat had one good scene in it, and it was the first one."),
            url=KAVYA_URL,
            rating=8,
        ),
        c(
            "Yusuf Demir",
            "I actually liked the heist. It's silly, but the sisters being terrible criminals is the joke.",
            c(
                "Tamsin Reeve",
                "Same. Tolu trying to pick a lock with a lens cap is the funniest thing in it.",
            ),
        ),
        c(
            "Gregor Lindahl",
            "Has anyone seen the director's other film? Is it worth it?",
            status="pending",
        ),
    ],
    "small-hours-review": [
        c(
            "Owen Pritchard",
            "Best thriller of the decade and I will not be taking questions. The rattle at the back of the bus!",
            c(
                REVIEW_AUTHOR,
                "The rattle deserves a supporting actor award.",
                c(
                    "Owen Pritchard",
                    "Did you ever work out what was making it? I have a theory, but it spoils the ending.",
                    c(
                        REVIEW_AUTHOR,
                        "So do I. Let's keep this thread spoiler-free; the short version is: watch the glove.",
                        c(
                            "Kavya Rao",
                            "Watch the glove! I just rewatched with that in mind and I'm furious I didn't see it the first time.",
                            url=KAVYA_URL,
                        ),
                    ),
                    url=OWEN_URL,
                ),
            ),
            url=OWEN_URL,
            rating=10,
        ),
        c(
            "Sunita Bhatt",
            "Brilliant, but I watched it through my fingers. Is the daylight ending the one that was added after test screenings? It feels tacked on.",
            c(
                REVIEW_AUTHOR,
                "I've heard that rumour but never seen it confirmed. It does feel as if a different hand wrote those last three minutes.",
            ),
            rating=8,
        ),
        c(
            "Lou",
            "Watched this on a night bus, on my phone. Would not recommend. Would not un-recommend either.",
        ),
        c(
            "Pete Szabo",
            "Picked this up after your update about the new sound mix. Is that the version on the re-release disc?",
            status="pending",
        ),
    ],
    "night-shift-at-the-aquarium-review": [
        c(
            "Tamsin Reeve",
            "The otter-whisper scene is perfect. I'll forgive the seahorse plot for that alone.",
            c(REVIEW_AUTHOR, "The otters deserved top billing."),
            rating=7,
        ),
        c(
            "Frank O'Dowd",
            "Sorry, I found it unbearably twee. The pufferfish joke made me want to inflate.",
            rating=4,
        ),
        c(
            "Aquarium Supplies Direct",
            "Looking for fish tank? Best price aquarium pumps filters and decorations!!! Order now at http://aquarium-deals.example.com free shipping",
            url="https://aquarium-deals.example.com/",
            status="spam",
        ),
    ],
    "the-long-field-review": [
        c(
            "Gregor Lindahl",
            "My grandparents sold their farm the year this came out. The gate scene wrecked me. Thank you for reviewing something so quiet.",
            c(
                REVIEW_AUTHOR,
                "Thank you for telling me that, Gregor. It seems to hit hardest for people who have lived a version of it.",
            ),
            rating=8,
        ),
        c(
            "Ben Tallis",
            "Three fence-mending sequences is about two too many, agreed. But I'd have kept every second of the storm that never comes.",
            c(
                "Marguerite Osei",
                "The storm that never comes is the whole film in one sequence, really.",
                c("Ben Tallis", "That's a better review than mine would have been."),
            ),
        ),
    ],
    "the-quiet-frequency-second-opinion": [
        c(
            "Marguerite Osei",
            "Sorry Theo, I'm with Iris. The middle hour is meant to feel like a thriller, because that's how it feels to Wren.",
            c(
                REVIEW_AUTHOR,
                "That's a good argument, and I'll think about it on my next rewatch. I may be outnumbered in my own comments.",
            ),
            c(
                "@author",
                "You are. But thank you for writing this: it made me see the director subplot even more clearly.",
            ),
            rating=10,
        ),
        c("Ben Tallis", "Finally, someone said it. Seven and a half feels right."),
        c(
            "Hollis Grant",
            "What was the hardest line to subtitle? Genuinely curious.",
            c(
                REVIEW_AUTHOR,
                "The transmission itself. We argued for a week about whether to caption the static or leave the screen blank. We left it blank.",
            ),
            url=HOLLIS_URL,
        ),
    ],
    "static-bloom-review": [
        c("Clara Vos", "Agree completely. Two great scenes in search of a film.", rating=5),
        c(
            "Yusuf Demir",
            "I liked it more than you did, I think because I went in wanting a mood rather than scares.",
            c(
                REVIEW_AUTHOR,
                "That's probably the right way to see it. I wish someone had told me beforehand!",
            ),
            rating=7,
        ),
        c("Lou", "the plants were the best actors in it honestly", status="pending"),
    ],
    "the-cartographers-daughter-review": [
        c(
            "Ana Lucía Ferreira",
            "Saw it on Saturday after reading this. I haven't stopped thinking about the girl with the chalk.",
            c(REVIEW_AUTHOR, "Wen Li's six lines! I'm so pleased you went."),
            rating=10,
        ),
        c(
            "Mei-Ling Choi",
            "Small thing: she's Reyes-Hart, not Hart, and the film makes a point of it in the diner scene.",
            c(
                REVIEW_AUTHOR,
                "You're quite right, and I should have caught it. Fixed, with thanks.",
            ),
        ),
        c(
            "Owen Pritchard",
            "I wrote about the map in the end credits on my own blog, if anyone wants a spoiler-heavy deep dive. This is the better spoiler-free review, though.",
            url=OWEN_URL,
        ),
        c(
            "Sunita Bhatt",
            "Nine from me, only because I guessed the answer about twenty minutes before the end. Still wonderful.",
            c("Pete Szabo", "Twenty minutes?! I didn't get it until the clock scene."),
            rating=9,
        ),
        c(
            "Best Essay Writers",
            "Need help with your film studies essay? Professional writers, cheap price, 100% original!! https://essays-fast.example.org https://essays-fast.example.org/order https://essays-fast.example.org/discount",
            url="https://essays-fast.example.org/",
            status="spam",
        ),
    ],
    "static-bloom-second-look": [
        c("Gregor Lindahl", '"Leave this one on the windowsill" made me laugh out loud.', rating=3),
        c(
            "Kavya Rao",
            "The shears scene is genuinely great, though. Hannah Kell should do more horror.",
            c(
                REVIEW_AUTHOR,
                "Agreed on both counts. Somebody cast her in a proper haunted-house film immediately.",
            ),
            url=KAVYA_URL,
        ),
    ],
    "the-cartographers-daughter-map-and-territory": [
        c(
            "Tamsin Reeve",
            "Interesting to hear from someone who read the book first. Is the ending really that different?",
            c(
                REVIEW_AUTHOR,
                "Not different so much as more explained. The book stops a page earlier, and that page makes all the difference.",
            ),
            rating=8,
        ),
        c(
            "Rosalind Achebe-Wright",
            "Reading the novel now because of this review. Please nobody spoil it in the comments!",
            status="pending",
        ),
        c(
            "Clara Vos",
            "I wish the film had been braver, too. The Aldwater in the book is much creepier.",
            status="pending",
        ),
    ],
}


# Tags the demo reviews are filed under (review slug → tag names): each tag has a page and a feed.
REVIEW_TAGS = {
    "the-quiet-frequency-review": ["Sound design", "Slow cinema", "Festival favourites"],
    "ironwood-review": ["Debut features", "Landscapes"],
    "harbour-lights-review": ["Sound design", "Night films"],
    "paper-moons-review": ["Animation", "Festival favourites"],
    "small-hours-review": ["Night films", "Slow cinema"],
    "night-shift-at-the-aquarium-review": ["Night films", "Debut features"],
    "the-long-field-review": ["Landscapes", "Slow cinema"],
    "the-quiet-frequency-second-opinion": ["Second opinions", "Sound design"],
    "static-bloom-review": ["Festival favourites"],
    "the-cartographers-daughter-review": ["Landscapes", "Debut features"],
    "static-bloom-second-look": ["Second opinions"],
    "the-cartographers-daughter-map-and-territory": ["Second opinions", "Landscapes"],
    "ironwood-reconsidered": ["Second opinions"],
    "glasswing-review": ["Sound design"],
}
