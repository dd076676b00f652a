// What each peer offers on each topic, from the catalogs they sent us.
import type { CatalogEntry } from '../catalog'

interface Offer {
  peer: string
  peerName: string
  entry: CatalogEntry
}

export class FolderOffers {
  // topic id -> peer key -> that peer's catalog
  private readonly byTopic = new Map<string, Map<string, { peerName: string; entries: CatalogEntry[] }>>()

  set(topic: string, peer: string, peerName: string, entries: CatalogEntry[]): void {
    let peers = this.byTopic.get(topic)
    if (peers === undefined) this.byTopic.set(topic, (peers = new Map()))
    peers.set(peer, { peerName, entries })
  }

  drop(topic: string, peer: string): void {
    this.byTopic.get(topic)?.delete(peer)
  }

  dropTopic(topic: string): void {
    this.byTopic.delete(topic)
  }

  all(): (Offer & { topic: string })[] {
    const offers: (Offer & { topic: string })[] = []
    for (const [topic, peers] of this.byTopic) {
      for (const [peer, { peerName, entries }] of peers) for (const entry of entries) offers.push({ topic, peer, peerName, entry })
    }
    return offers
  }

  of(folderId: string): (Offer & { topic: string })[] {
    return this.all().filter((offer) => offer.entry.id === folderId)
  }
}
