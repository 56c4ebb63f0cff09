<?xml version="1.0" encoding="UTF-8"?>
<!--
  Shows an Atom or RSS feed of syndicator as a page when a browser opens it; readers never
  load it. Text is copied with value-of only: entry HTML is not rendered here, so nothing
  a portal wrote can become markup or script on this origin. Links are made only from
  http(s) addresses.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:a="http://www.w3.org/2005/Atom"
    exclude-result-prefixes="a">

<xsl:output method="html" encoding="UTF-8" indent="no" doctype-system="about:legacy-compat"/>

<xsl:template match="/">
  <xsl:choose>
    <xsl:when test="a:feed">
      <xsl:call-template name="page">
        <xsl:with-param name="format" select="'Atom'"/>
        <xsl:with-param name="ext" select="'.atom'"/>
        <xsl:with-param name="title" select="a:feed/a:title"/>
        <xsl:with-param name="subtitle" select="a:feed/a:subtitle"/>
        <xsl:with-param name="self" select="a:feed/a:link[@rel='self']/@href"/>
        <xsl:with-param name="home" select="a:feed/a:link[@rel='alternate']/@href"/>
        <xsl:with-param name="lang" select="a:feed/@xml:lang"/>
      </xsl:call-template>
    </xsl:when>
    <xsl:otherwise>
      <xsl:call-template name="page">
        <xsl:with-param name="format" select="'RSS'"/>
        <xsl:with-param name="ext" select="'.rss'"/>
        <xsl:with-param name="title" select="rss/channel/title"/>
        <xsl:with-param name="subtitle" select="rss/channel/description"/>
        <xsl:with-param name="self" select="rss/channel/a:link[@rel='self']/@href"/>
        <xsl:with-param name="home" select="rss/channel/link"/>
        <xsl:with-param name="lang" select="rss/channel/language"/>
      </xsl:call-template>
    </xsl:otherwise>
  </xsl:choose>
</xsl:template>

<xsl:template name="page">
  <xsl:param name="format"/>
  <xsl:param name="ext"/>
  <xsl:param name="title"/>
  <xsl:param name="subtitle"/>
  <xsl:param name="self"/>
  <xsl:param name="home"/>
  <xsl:param name="lang"/>
  <xsl:variable name="stem" select="substring($self, 1, string-length($self) - string-length($ext))"/>
  <html lang="zh-CN">
    <xsl:if test="$lang"><xsl:attribute name="lang"><xsl:value-of select="$lang"/></xsl:attribute></xsl:if>
    <head>
      <meta name="viewport" content="width=device-width, initial-scale=1"/>
      <title><xsl:value-of select="$title"/> · <xsl:value-of select="$format"/> 订阅源</title>
      <style>
:root { color-scheme: light dark; --fg: #1b1b1b; --bg: #fff; --muted: #595959; --line: #d6d6d6;
        --link: #0b57a4; --panel: #f3f6fa; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8e8e8; --bg: #141414; --muted: #b0b0b0; --line: #3a3a3a; --link: #8cc2ff;
          --panel: #1f252c; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
       font: 1rem/1.6 system-ui, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
main { max-width: 46rem; margin: 0 auto; padding: 1rem; overflow-wrap: anywhere; }
a { color: var(--link); }
h1 { font-size: 1.5rem; line-height: 1.3; margin: .5rem 0; }
h2 { font-size: 1.1rem; line-height: 1.4; margin: 0 0 .25rem; }
h3 { font-size: 1.05rem; line-height: 1.4; margin: 0; }
.about { background: var(--panel); border: 1px solid var(--line); border-radius: .5rem;
         padding: .75rem 1rem; margin: 1rem 0 1.5rem; }
.about p { margin: .25rem 0; }
label { display: block; font-weight: 600; margin-top: .5rem; }
input { width: 100%; font: .9rem ui-monospace, monospace; padding: .4rem; color: inherit;
        background: var(--bg); border: 1px solid var(--line); border-radius: .3rem; }
.muted { color: var(--muted); font-size: .9rem; }
ol { list-style: none; padding: 0; margin: 0; }
li { border-top: 1px solid var(--line); padding: .75rem 0; }
li p { margin: .25rem 0; }
      </style>
    </head>
    <body>
      <main>
        <header>
          <p class="muted"><xsl:value-of select="$format"/> 订阅源</p>
          <h1><xsl:value-of select="$title"/></h1>
          <xsl:if test="$subtitle and string($subtitle) != string($title)">
            <p><xsl:value-of select="$subtitle"/></p>
          </xsl:if>
        </header>
        <section class="about" aria-labelledby="how">
          <h2 id="how">这是订阅源，不是普通网页</h2>
          <p>把下面的地址粘贴到 RSS 阅读器（如 Feedly、Inoreader、NetNewsWire、Thunderbird）里，即可收到新文章。</p>
          <label for="feed-url">订阅地址（<xsl:value-of select="$format"/>）</label>
          <input id="feed-url" type="text" readonly="readonly" value="{$self}"/>
          <xsl:if test="starts-with($stem, 'http://') or starts-with($stem, 'https://')">
            <p class="muted">其他格式：
              <a href="{$stem}.atom" type="application/atom+xml">Atom</a> ·
              <a href="{$stem}.rss" type="application/rss+xml">RSS</a> ·
              <a href="{$stem}.json" type="application/feed+json">JSON Feed</a>
              <xsl:if test="contains($stem, '/feeds/')">
                · <a href="{substring-before($stem, '/feeds/')}/">全部订阅源</a>
              </xsl:if>
            </p>
          </xsl:if>
          <xsl:if test="starts-with($home, 'http://') or starts-with($home, 'https://')">
            <p class="muted">原网页：<a href="{$home}"><xsl:value-of select="$home"/></a></p>
          </xsl:if>
        </section>
        <h2>最新文章</h2>
        <ol>
          <xsl:apply-templates select="a:feed/a:entry | rss/channel/item"/>
        </ol>
        <xsl:if test="not(a:feed/a:entry | rss/channel/item)">
          <p class="muted">还没有文章。</p>
        </xsl:if>
      </main>
    </body>
  </html>
</xsl:template>

<xsl:template match="a:entry">
  <li>
    <h3 class="entry-title">
      <xsl:call-template name="link">
        <xsl:with-param name="href" select="a:link[not(@rel) or @rel='alternate'][1]/@href"/>
        <xsl:with-param name="text" select="a:title"/>
      </xsl:call-template>
    </h3>
    <p class="muted">
      <xsl:variable name="when" select="a:published"/>
      <time datetime="{$when}">
        <xsl:value-of select="concat(substring($when, 1, 10), ' ', substring($when, 12, 5), ' UTC', substring($when, 20))"/>
      </time>
      <xsl:if test="a:category/@term"> · <xsl:value-of select="a:category/@term"/></xsl:if>
      <xsl:if test="a:author/a:name"> · <xsl:value-of select="a:author/a:name"/></xsl:if>
    </p>
    <xsl:if test="a:summary"><p><xsl:value-of select="a:summary"/></p></xsl:if>
    <xsl:if test="a:link[@rel='enclosure']">
      <p class="muted">附件：
        <xsl:for-each select="a:link[@rel='enclosure']">
          <xsl:if test="position() > 1"> · </xsl:if>
          <xsl:call-template name="file">
            <xsl:with-param name="href" select="@href"/>
            <xsl:with-param name="name" select="@title"/>
          </xsl:call-template>
        </xsl:for-each>
      </p>
    </xsl:if>
  </li>
</xsl:template>

<xsl:template match="item">
  <li>
    <h3 class="entry-title">
      <xsl:call-template name="link">
        <xsl:with-param name="href" select="link"/>
        <xsl:with-param name="text" select="title"/>
      </xsl:call-template>
    </h3>
    <p class="muted">
      <xsl:value-of select="pubDate"/>
      <xsl:if test="category"> · <xsl:value-of select="category"/></xsl:if>
    </p>
    <xsl:if test="description"><p><xsl:value-of select="description"/></p></xsl:if>
    <xsl:if test="enclosure">
      <p class="muted">附件：
        <xsl:for-each select="enclosure">
          <xsl:if test="position() > 1"> · </xsl:if>
          <xsl:call-template name="file">
            <xsl:with-param name="href" select="@url"/>
            <xsl:with-param name="name" select="''"/>
          </xsl:call-template>
        </xsl:for-each>
      </p>
    </xsl:if>
  </li>
</xsl:template>

<xsl:template name="link">
  <xsl:param name="href"/>
  <xsl:param name="text"/>
  <xsl:choose>
    <xsl:when test="starts-with($href, 'http://') or starts-with($href, 'https://')">
      <a href="{$href}"><xsl:value-of select="$text"/></a>
    </xsl:when>
    <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<xsl:template name="file">
  <xsl:param name="href"/>
  <xsl:param name="name"/>
  <xsl:variable name="label">
    <xsl:choose>
      <xsl:when test="string($name)"><xsl:value-of select="$name"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$href"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:call-template name="link">
    <xsl:with-param name="href" select="$href"/>
    <xsl:with-param name="text" select="$label"/>
  </xsl:call-template>
</xsl:template>

</xsl:stylesheet>
