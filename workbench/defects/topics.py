"""Topic vocabulary for the wording checks: which hashtags are topics people follow, and which words show
that a post is about the same thing as a call to action.

What belongs here is data, not rules:

- `TOPIC_TAGS`: whole hashtags (lower case, no '#') that are followed topics on their own: fields and
  subjects (#marketing, #productivity, #science), formats and platform tags (#shorts, #reels). A single
  word that is not here is read as a word lifted from the text (#Week, #Storefront), so add a field's
  name here when the brand writes about a new subject.
- `TOPIC_WORDS`: words that compose followed tags two or three at a time (#ContentPlanning,
  #SmallBusinessMarketing, #SocialMediaTips). A compound is a topic when it splits into these words.
  Words that are only ever lifted from a sentence (team, audits, allocation, week) stay out.
- `SPECIFIC`: topic words that narrow a tag to one subject (#CustomerService, #SEO, #EmailMarketing);
  each maps to the word stems a post about that subject contains. A tag with such a word and none of
  its stems in the post is "a topic unrelated to the post". Broad words (social, media, marketing,
  strategy, tips) are not here: #SocialMedia and #Marketing fit any post of a marketing brand.
- `RELATED`: for the topical words of a brand's library CTA ("measure", "planning", "2am"), the stems
  that show the body is about the same thing ("measure" fits a post about metrics).
- `CTA_SUBJECTS`: the subject a brand's library CTA is about even when its words are mechanics ("tiny
  marketing wins", "the free planner", "posts at 2am"), with the stems a body on that subject contains. A
  marketing brand's CTA closes a post about AI policy or a Drupal release as badly as a wrong question.
- `SUBJECT_STEMS`: for a subject word of a pillar's title ("social media"), the stems of words that name
  it in a post without repeating it (likes, saves, replies).
- `CTA_WORDS`: the mechanics of a call to action (follow, save, comment, link, guide, weekly): words
  that say nothing about a topic and are ignored when a library CTA is matched to a body.
"""

from __future__ import annotations

_FIELDS = """
marketing socialmedia productivity business entrepreneurship entrepreneur startups startup smallbusiness
branding design ux ui seo sem advertising sales leadership management strategy innovation tech
technology ai ml machinelearning datascience data analytics cybersecurity security privacy cloud devops
programming coding software opensource python javascript webdev science research health wellness
fitness nutrition mentalhealth medicine education edtech learning teaching finance fintech investing
economics economy money personalfinance accounting crypto blockchain government policy politics publicpolicy
democracy law legal climate sustainability environment energy travel food photography video videomarketing
writing copywriting journalism media news publishing podcast podcasting newsletter email emailmarketing
ecommerce retail hr recruiting hiring careers career jobs remotework worklife leadershipdevelopment
communications pr publicrelations customerservice customerexperience cx community communitymanagement
contentmarketing contentstrategy contentcreation contentcreator creators creatoreconomy influencer
influencermarketing digitalmarketing growth growthmarketing b2b b2bmarketing b2c saas timemanagement
batching planning scheduling automation nonprofit philanthropy art music culture sports gaming
govtech civictech publicsector responsibleai ethicalai genai generativeai opendata accessibility a11y
shorts reels fyp tiktok youtube instagram linkedin smm socialmediamarketing socialmediamanagement
meetings agile scrum productmanagement projectmanagement techdebt technicaldebt publichealth climatechange
artificialintelligence computerscience carbonfootprint collaboration teamwork documentation
""".split()

TOPIC_TAGS: frozenset[str] = frozenset(_FIELDS)

TOPIC_WORDS: frozenset[str] = frozenset("""
social media marketing market content strategy strategies planning plan planner calendar creation creator
creators creative management manager tips tip ideas advice hacks tools business small smallbusiness
entrepreneur entrepreneurs startup startups brand branding brands digital online growth grow sales
advertising ads ad email newsletter seo search engine optimization analytics analysis data metrics insights
reporting engagement awareness community customer customers service services experience support success care
influencer influencers video videos reels shorts youtube tiktok instagram linkedin twitter facebook
copywriting writing writer writers design designer graphic ux ui product products productivity time
batching batch automation scheduling workflow remote work career careers leadership leaders team
b2b b2c saas tech technology ai ml machine learning data science research health mental wellness fitness
finance financial personal investing money economics education learning teaching teacher government
public policy relations pr communications communication crisis reputation ecommerce retail nonprofit
sustainability climate energy travel food photography art music sports gaming news journalism
podcast podcasting storytelling lead leads generation conversion conversions inbound outbound organic paid
budget budgeting roi kpi kpis web website development developer developers coding programming software
cloud security cybersecurity privacy open source hr hiring recruiting human resources life hacks
artificial intelligence computer technical debt sprint agile carbon footprint emissions project meetings
""".split()) - {"team", "plan", "batch"}

# a tag word that narrows the tag to one subject -> stems that a post about it contains
SPECIFIC: dict[str, tuple[str, ...]] = {
    "customer": ("customer", "client", "complain", "inquir", "support", "service", "repl", "respon"),
    "customers": ("customer", "client", "complain", "inquir", "support", "service", "repl", "respon"),
    "service": ("customer", "client", "complain", "inquir", "support", "service", "repl", "respon"),
    "support": ("customer", "client", "support", "help", "complain", "inquir"),
    "care": ("customer", "care", "health"),
    "seo": ("seo", "search", "rank", "index", "google", "keyword"),
    "search": ("seo", "search", "rank", "index", "google", "keyword"),
    "awareness": ("awareness", "reach", "visib", "recogni"),
    "crisis": ("crisis", "crises", "complain", "backlash", "negative", "reputation"),
    "reputation": ("reputation", "trust", "crisis", "review", "complain"),
    "influencer": ("influencer", "creator", "partner"),
    "influencers": ("influencer", "creator", "partner"),
    "email": ("email", "e-mail", "newsletter", "inbox"),
    "newsletter": ("newsletter", "email", "subscri"),
    "ecommerce": ("shop", "store", "ecommerce", "e-commerce", "checkout", "product"),
    "retail": ("shop", "store", "retail", "product"),
    "advertising": ("ad", "ads", "advert", "paid", "campaign", "budget"),
    "ads": ("ad", "ads", "advert", "paid", "campaign", "budget"),
    "paid": ("ad", "ads", "advert", "paid", "budget"),
    "hiring": ("hire", "hiring", "recruit", "candidate", "job"),
    "recruiting": ("hire", "hiring", "recruit", "candidate", "job"),
    "ai": ("ai", "model", "llm", "gpt", "machine", "automat", "artificial"),
    "video": ("video", "reel", "clip", "short", "film", "tiktok", "youtube"),
    "videos": ("video", "reel", "clip", "short", "film", "tiktok", "youtube"),
    "podcast": ("podcast", "episode", "audio", "listen"),
    "photography": ("photo", "camera", "image", "picture"),
    "crypto": ("crypto", "bitcoin", "blockchain", "token"),
    "climate": ("climate", "carbon", "emission", "warming"),
    "fitness": ("fitness", "workout", "exercise", "train"),
    "nutrition": ("nutrition", "food", "diet", "eat"),
    "travel": ("travel", "trip", "flight", "hotel"),
    "food": ("food", "recipe", "cook", "eat", "restaurant"),
    "gaming": ("game", "gaming", "player"),
    "sports": ("sport", "team", "match", "game", "player"),
    "writing": ("writ", "copy", "word", "draft", "edit", "sentence"),
    "writer": ("writ", "copy", "word", "draft", "edit"),
    "sprint": ("sprint",),
    "government": ("government", "agenc", "federal", "public", "civic", "citizen"),
    "design": ("design", "user", "usab", "interface", "visual"),
    "meetings": ("meeting", "agenda"),
    "accessibility": ("accessib", "disab", "screen reader", "a11y"),
}

# the topical word of a library CTA -> stems that show the body is about the same thing
RELATED: dict[str, tuple[str, ...]] = {
    "measure": ("measur", "metric", "track", "kpi", "report", "rate", "analytics", "number"),
    "planning": ("plan", "batch", "schedul", "calendar", "month", "week"),
    "plan": ("plan", "batch", "schedul", "calendar", "month", "week"),
    "2am": ("2am", "late", "night", "midnight", "posting", "schedul", "batch", "time"),
}

CTA_WORDS: frozenset[str] = frozenset("""
which one ones these those does your team today tell comments comment below follow weekly monthly analysis
save later future-you future thank share send friend still posts post grab free planner link bio read full
guide complete site register briefing trying first tiny marketing wins more next day checklist dm i'll
send you wins tips our us me see learn click tap visit check out get download join book watch drop reply replies
""".split())

SET_NOUNS: frozenset[str] = frozenset("""
steps tips ways ideas options things questions metrics numbers stages jobs habits mistakes tools rules
signs lessons reasons examples hacks platforms formats apps types kinds myths
""".split())

# a subject word of a library CTA -> stems that show the body is on that subject
_SOCIAL = ("post", "social", "market", "brand", "content", "audience", "campaign", "follower", "caption", "hashtag",
           "linkedin", "instagram", "tiktok", "newsletter", "engag", "creator", "influenc", "publish", "schedul")
# a subject a post names without its title's words: a post on likes, saves or replies is about social media
_ON_SOCIAL = (*_SOCIAL, "share", "save", "like", "comment", "analytic", "reel", "feed", "repl", "dm", "thread",
              "platform", "viral", "repost")
SUBJECT_STEMS: dict[str, tuple[str, ...]] = {
    "social": _ON_SOCIAL,
    "media": _ON_SOCIAL,
    "smm": _ON_SOCIAL,
    "marketing": _ON_SOCIAL,
}
CTA_SUBJECTS: dict[str, tuple[str, ...]] = {
    "marketing": _SOCIAL,
    "posts": _SOCIAL,
    "post": _SOCIAL,
    "planner": ("plan", "batch", "schedul", "calendar", *_SOCIAL),
    "2am": RELATED["2am"] + _SOCIAL,
}
