/** German (Deutsch). Informal "du", as in the system apps people share files with. */
import type { Catalog } from './en.ts'

export const de = {
  'app.skipToContent': 'Zum Inhalt springen',
  'app.anotherDevice': 'Ein anderes Gerät',
  'app.close': 'Schließen',
  'app.settingsOpen': 'Einstellungen',
  'app.historyOpen': 'Verlauf',
  'size.bytes': '{count, plural, one {# Byte} other {# Byte}}',
  'offer.queue': '{count, plural, one {# Angebot wartet} other {# Angebote warten}}',
  'settings.displayHeading': 'Anzeige',
  'settings.trustHeading': 'Vertrauen',

  'header.deviceName': 'Gerätename',
  'header.save': 'Speichern',
  'header.rename': 'Umbenennen',
  'header.thisDeviceShort': 'Dieses Gerät',
  'header.thisDevice': 'Dieses Gerät: {device},',
  'header.relaysConnected': '{count, plural, one {# Relay verbunden} other {# Relays verbunden}}',
  'header.relaysConnecting': 'Verbinde mit Relays…',

  'device.phone': 'Telefon',
  'device.tablet': 'Tablet',
  'device.laptop': 'Laptop',
  'device.desktop': 'Computer',
  'device.unknown': 'Gerät',

  'room.nearby': 'In der Nähe',
  'room.link': 'Link',
  'room.nearbySpoken': 'in der Nähe',
  'room.linkSpoken': 'über Link',
  'room.bothSpoken': 'in der Nähe und über Link',

  'devices.heading': 'Geräte',
  'devices.noneInRoom':
    'Noch keine Geräte. Öffne den Link auf einem anderen Gerät; es erscheint dann von selbst hier.',
  'devices.none':
    'Noch keine Geräte. Öffne Ferry auf einem anderen Gerät in diesem Netzwerk oder teile einen Link.',
  'devices.sendToAll': 'Dateien an alle {count} Geräte senden',
  'devices.sendToAllInput': 'Dateien für alle Geräte',

  'limits.webrtc':
    'Dieser Browser kann keine WebRTC-Verbindungen aufbauen, daher kann Ferry hier nichts senden oder empfangen. Öffne Ferry in Chrome, Edge, Firefox oder Safari.',
  'limits.saveToFolder':
    'Dieser Browser kann nicht direkt in einen Ordner speichern: Empfangene Dateien werden als Downloads gespeichert, mehrere als ein Zip.',
  'limits.diskStreaming':
    'Dieser Browser gibt Ferry keinen eigenen Speicher, daher bleiben empfangene Dateien bis zum Speichern im Arbeitsspeicher, und sehr große passen eventuell nicht.',
  'nearby.checking': 'Suche nach Geräten in diesem Netzwerk…',
  'nearby.active':
    'Geräte in diesem Netzwerk, auf denen Ferry geöffnet ist, erscheinen hier von selbst. Ein Gerät in der Nähe ist jeder in diesem Netzwerk oder jeder, der seine Adresse kennt, bis ihr unter „Überprüfen“ die Codes vergleicht.',
  'nearby.noStun':
    'Die Suche in der Nähe ist aus: Es ist kein STUN-Server eingerichtet. Teile stattdessen einen privaten Link.',
  'nearby.linkRelays': '„In der Nähe“ wartet, solange dieser Raum die Relays seines Links nutzt.',
  'nearby.unavailable':
    'Die Suche in der Nähe ist in diesem Netzwerk nicht möglich. Teile stattdessen einen privaten Link.',
  'nearby.retry': 'Erneut versuchen',

  'peer.trustedSpoken': 'vertrauenswürdig',
  'peer.trustedMark': 'Vertraut ✓',
  'peer.sendFiles': 'Dateien senden',
  'peer.sendFolder': 'Ordner senden',
  'peer.sendText': 'Text senden',
  'peer.filesInput': 'Dateien für {name}',
  'peer.folderInput': 'Ordner für {name}',
  'peer.messageLabel': 'Nachricht oder Link für {name}',
  'peer.cancel': 'Abbrechen',
  'peer.send': 'Senden',
  'peer.readingFolder': 'Ordner wird gelesen…',
  'peer.dropHint': 'oder Dateien und Ordner hierher ziehen',
  'peer.sameName':
    'Ein anderes Gerät hier heißt auch {name}: dieses zeigt unter „Überprüfen“ {code}.',
  'peer.sameNameNoCode': 'Ein anderes Gerät hier heißt auch {name}.',

  'verify.summary': 'Überprüfen',
  'verify.compare':
    '{name} zeigt denselben Code, wenn du mit diesem Gerät verbunden bist und mit niemandem sonst. Vergleiche beide.',
  'verify.codeLabel': 'Prüfcode',
  'verify.working': 'Code wird berechnet…',
  'verify.noCertificate':
    'Diese Verbindung zeigt kein Zertifikat, daher gibt es keinen Code zum Vergleichen.',
  'verify.trusted': 'Vertraut ✓',
  'verify.forget': 'Vergessen',
  'verify.trust': 'Diesem Gerät vertrauen',
  'verify.hint': 'Nur wenn beide Bildschirme denselben Code zeigen.',

  'link.heading': 'Privater Link',
  'link.explain':
    'Öffne diesen Link auf einem anderen Gerät, um es zu verbinden. Jede Person mit dem Link kann beitreten.',
  'link.label': 'Raum-Link',
  'link.copy': 'Kopieren',
  'link.copied': 'Kopiert',
  'link.share': 'Teilen…',
  'link.shareText': 'Öffne diesen Link, um mit mir Dateien auszutauschen',
  'link.qrLabel': 'QR-Code des Raum-Links',
  'link.showQr': 'QR-Code zeigen',
  'link.hideQr': 'QR-Code ausblenden',
  'link.new': 'Neuer Link',
  'link.leave': 'Raum verlassen',
  'link.connectHeading': 'Gerät verbinden',
  'link.connectExplain':
    'Erstelle einen privaten Link und öffne ihn auf dem anderen Gerät. Die Dateien gehen direkt von Gerät zu Gerät, nie über einen Server.',
  'link.create': 'Link teilen',

  'offer.heading':
    '{name} möchte dir {count, plural, one {eine Datei} other {# Dateien}} senden ({size})',
  'offer.trusted': 'Ein vertrautes Gerät ✓',
  'offer.unverified': 'Nicht überprüft: sein Code ist {code}',
  'offer.unverifiedNoCode': 'Nicht überprüft',
  'offer.previews': 'Vorschau',
  'offer.more': 'und {count} weitere',
  'offer.noSpace': 'Das braucht {needed}, aber Ferry hat auf diesem Gerät nur {free} frei.',
  'offer.noSpacePick': 'Wähle stattdessen einen Speicherort.',
  'offer.decline': 'Ablehnen',
  'offer.saveAs': 'Speichern unter…',
  'offer.saveToFolder': 'In Ordner speichern…',
  'offer.accept': 'Annehmen',

  'tree.folder': '{name}/ ({contents})',
  'tree.files': '{count, plural, one {# Datei} other {# Dateien}}',
  'tree.emptyFolders': '{count, plural, one {# leerer Ordner} other {# leere Ordner}}',
  'tree.empty': 'leer',
  'tree.listSeparator': ', ',

  'transfers.heading': 'Übertragungen',
  'transfer.to': 'An {name}: {what}',
  'transfer.from': 'Von {name}: {what}',
  'transfer.fileCount': '{count, plural, one {# Datei} other {# Dateien}}',
  'transfer.progressLabel': 'Fortschritt: {heading}',
  'transfer.waitingFor': 'Warte, bis {name} annimmt…',
  'transfer.waitingForYou': 'Wartet auf dich',
  'transfer.progress': '{percent} · {done} von {total}',
  'transfer.progressRate': '{percent} · {done} von {total} · {rate}',
  'transfer.progressRateLeft': '{percent} · {done} von {total} · {rate} · noch {left}',
  'transfer.sentVerified': 'Gesendet und geprüft',
  'transfer.receivedVerified': 'Empfangen und geprüft',
  'transfer.declinedBy': 'Abgelehnt von {name}',
  'transfer.declinedByYou': 'Von dir abgelehnt',
  'transfer.cancelledBy': 'Abgebrochen von {name}',
  'transfer.retry': 'Erneut versuchen',
  'transfer.resume': 'Fortsetzen',
  'transfer.discard': 'Verwerfen',
  'transfer.pausedStoragePeer':
    'Angehalten: {name} hat keinen Speicherplatz mehr. Es geht weiter, sobald dort Platz frei ist.',
  'transfer.pausedStorage':
    'Angehalten: Auf diesem Gerät ist kein Speicherplatz mehr frei. Was angekommen ist, bleibt erhalten; Platz freigeben, dann „Erneut versuchen“.',
  'transfer.interruptedRestored':
    'Unterbrochen, als Ferry geschlossen wurde. Was angekommen ist, bleibt erhalten: „Fortsetzen“, sobald der Absender wieder da ist.',
  'transfer.interruptedWaiting':
    'Verbindung verloren. Warten auf {name}; die Übertragung geht dort weiter, wo sie stand.',
  'transfer.interruptedProgress': '{text} {done} von {total}.',
  'transfer.cancelled': 'Abgebrochen',
  'transfer.verified': 'geprüft',
  'transfer.saveFile': '{name} speichern',
  'transfer.save': 'Speichern',
  'transfer.emptyFolder': 'leerer Ordner',
  'transfer.folded':
    '{files, plural, one {# Datei} other {# Dateien}}{folders, plural, =0 {} one {, # leerer Ordner} other {, # leere Ordner}}',
  'transfer.zipFailed': 'Die ZIP-Datei konnte nicht gespeichert werden.',
  'transfer.zipFailedDetail': 'Die ZIP-Datei konnte nicht gespeichert werden ({detail}).',
  'transfer.cancel': 'Abbrechen',
  'transfer.zipping': 'Packe ZIP…',
  'transfer.saveZip': 'Als ZIP speichern',
  'transfer.dismiss': 'Schließen',

  'texts.heading': 'Nachrichten',
  'texts.from': 'Von {name}',
  'texts.copy': 'Kopieren',
  'texts.copied': 'Kopiert',
  'texts.dismiss': 'Schließen',

  'settings.heading': 'Einstellungen',
  'settings.language': 'Sprache',
  'settings.languageAuto': 'Wie dieser Browser',
  'settings.theme': 'Design',
  'settings.themeSystem': 'Wie dieses Gerät',
  'settings.themeLight': 'Hell',
  'settings.themeDark': 'Dunkel',
  'settings.autoAccept': 'Vertraute Geräte dürfen ohne Nachfrage senden',
  'settings.trustedHeading': 'Vertraute Geräte',
  'settings.noTrusted':
    'Noch keine. Öffne „Überprüfen“ bei einem Gerät, vergleiche die Codes auf beiden Bildschirmen und vertraue ihm dann.',
  'settings.forget': 'Vergessen',
  'settings.trustPerVisit':
    'Dieser Browser kann das Gerätezertifikat von Ferry nicht behalten. Das Vertrauen anderer Geräte in dieses gilt daher nur für diesen Besuch.',

  'history.heading': 'Verlauf',
  'history.transfersHeading': 'Gesendet und empfangen',
  'history.empty': 'Noch nichts gesendet oder empfangen.',
  'history.to': 'An {name}',
  'history.from': 'Von {name}',
  'history.namesAndMore':
    '{names} und {count, plural, one {# weitere Datei} other {# weitere Dateien}}',
  'history.verified': 'Geprüft ✓',
  'history.complete': 'Fertig',
  'history.declined': 'Abgelehnt',
  'history.cancelled': 'Abgebrochen',
  'history.failed': 'Fehlgeschlagen',
  'history.showAll': 'Alle {count} zeigen',
  'history.showFewer': 'Weniger zeigen',
  'history.clear': 'Verlauf löschen',
  'history.devicesHeading': 'Bekannte Geräte',
  'history.noDevices': 'Geräte, mit denen du dich verbindest, erscheinen hier.',
  'history.lastSeen': 'zuletzt gesehen {time}',
  'history.forget': 'Vergessen',

  'notices.dismiss': 'Schließen',
  'notice.relaysUnreachable':
    'Kein Signalisierungs-Relay erreichbar, daher können sich Geräte nicht finden. Prüfe die Internetverbindung; Ferry versucht es weiter.',
  'notice.relaysReachable': 'Wieder mit einem Signalisierungs-Relay verbunden.',
  'notice.joinRefused':
    'Ein Gerät wollte diesem Raum ohne den richtigen Link beitreten und wurde abgewiesen.',
  'peer.blockedMark': 'Blockiert',
  'peer.blockedSpoken': '{name}, blockiert',
  'peer.blockedReason':
    'Es hat wiederholt gesendet, was Ferry nicht annehmen kann, und wurde für diesen Besuch getrennt.',
  'devices.blocked': 'Blockierte Geräte',
  'notice.peerBlocked':
    '{name} hat wiederholt gesendet, was Ferry nicht annehmen kann, und wurde getrennt und blockiert.',
  'notice.peerProtocolError':
    '{name} hat etwas gesendet, das Ferry nicht annehmen kann; es wurde abgewiesen.',
  'notice.offer': '{name} möchte dir {count, plural, one {eine Datei} other {# Dateien}} senden.',
  'notice.autoAccepted':
    'Empfange {count, plural, one {eine Datei} other {# Dateien}} von {name}, einem vertrauten Gerät.',
  'notice.trustFailed':
    '{name} kann nicht vertraut werden: Diese Verbindung zeigt ihr Zertifikat nicht.',
  'notice.declined': '{name} hat {count, plural, one {die Datei} other {# Dateien}} abgelehnt.',
  'notice.cancelledSend': '{name} hat die Übertragung abgebrochen.',
  'notice.cancelledReceive':
    '{name} hat die Übertragung {count, plural, one {der Datei} other {von # Dateien}} abgebrochen.',
  'notice.received': '{name} hat {count, plural, one {die Datei} other {# Dateien}} empfangen.',
  'notice.peerGone': '{name} ist gegangen, bevor die Übertragung fertig war.',
  'notice.damagedReceived': 'Eine Datei von {name} kam beschädigt an und wurde verworfen.',
  'notice.damagedSent': '{name} hat eine beschädigte Kopie erhalten; sie wurde verworfen.',
  'notice.failed': 'Die Übertragung mit {name} ist fehlgeschlagen ({code}).',
  'notice.unknownError': 'unbekannter Fehler',
  'notice.sendPeerGone': '{name} ist nicht mehr verbunden.',
  'notice.sendTooLarge':
    'Das ist mehr, als Ferry auf einmal an {name} senden kann; sende es in Teilen.',
  'notice.sendInvalid':
    'Ferry kann das nicht an {name} senden: Ein Name ist leer, zu lang oder nicht erlaubt.',
  'notice.sendReadFailed':
    'Ferry konnte nicht alles lesen, was du für {name} ausgewählt hast; nichts wurde gesendet.',
  'notice.sendFailed': 'Senden an {name} fehlgeschlagen.',
  'notice.emptyFoldersOnly':
    'Dieser Ordner enthält keine Dateien, nur leere Ordner. Es gibt also nichts zu senden.',
  'notice.emptyFolder': 'Dieser Ordner ist leer. Es gibt also nichts zu senden.',

  // Connections: details, settings, devices that cannot connect
  'notice.peerUnreachable':
    'Ein Gerät wurde gefunden, konnte sich aber nicht über WebRTC verbinden: Dieses Netzwerk braucht einen TURN-Server. Füge einen in den Verbindungseinstellungen hinzu.',
  'notice.peerUnreachableWithTurn':
    'Ein Gerät wurde gefunden, konnte sich aber selbst über den TURN-Server nicht verbinden. Prüfe seine Adressen und Zugangsdaten in den Verbindungseinstellungen.',
  'connection.summary': 'Verbindung',
  'connection.label': 'Verbindung zu {name}',
  'connection.route': 'Weg',
  'connection.routeDirect': 'Direkt',
  'connection.routeRelayed': 'Über einen TURN-Server weitergeleitet',
  'connection.routeUnknown': 'Noch unbekannt',
  'connection.roundTrip': 'Umlaufzeit',
  'connection.roundTripMs': '{ms} ms',
  'connection.relays': 'Signalisierungs-Relays',
  'connection.relaysCount': '{open} von {total} verbunden',
  'connectionSettings.heading': 'Verbindungseinstellungen',
  'connectionSettings.intro':
    'Relays machen Geräte miteinander bekannt; STUN- und TURN-Server helfen ihnen, sich zu verbinden. Lass ein Feld leer, um Ferrys Standardwerte zu nutzen. Änderungen gelten, sobald Ferry neu startet.',
  'connectionSettings.relays': 'Relays (eine wss://-Adresse pro Zeile)',
  'connectionSettings.stunUrls': 'STUN-Server (einer pro Zeile)',
  'connectionSettings.turn': 'TURN-Server',
  'connectionSettings.turnUrls': 'Adressen (eine pro Zeile)',
  'connectionSettings.username': 'Benutzername',
  'connectionSettings.credential': 'Zugangsdaten',
  'connectionSettings.relayOnly': 'Alles über den TURN-Server senden',
  'connectionSettings.reset': 'Auf Standardwerte zurücksetzen',
  'connectionSettings.save': 'Speichern',
  'connectionSettings.invalid':
    'Einige Einstellungen müssen korrigiert werden; nichts wurde gespeichert.',
  'connectionSettings.saved': 'Gespeichert. Sie gelten, sobald Ferry neu startet.',
  'connectionSettings.resetDone':
    'Zurück auf den Standardwerten. Sie gelten, sobald Ferry neu startet.',
  'connectionSettings.restart': 'Ferry jetzt neu starten',
  'connectionSettings.saveFailed': 'Dieser Browser hat die Einstellungen nicht gespeichert.',
  'connectionSettings.errorRelay': 'Keine Relay-Adresse (wss://…): {entries}',
  'connectionSettings.errorStun': 'Keine STUN-Adresse (stun:host:port): {entries}',
  'connectionSettings.errorTurn':
    'Keine TURN-Adresse (turn:host:port oder turns:host:port): {entries}',
  'connectionSettings.errorTooMany': 'Höchstens {max} Adressen.',
  'connectionSettings.errorCredentialsMissing':
    'Ein TURN-Server braucht einen Benutzernamen und Zugangsdaten.',
  'connectionSettings.errorCredentialsTooLong':
    'Benutzername und Zugangsdaten sind auf je 256 Zeichen begrenzt.',
  'connectionSettings.errorNoTurn': 'Alles weiterzuleiten braucht oben einen TURN-Server.',
  'offline.message':
    'Du bist offline. Um Geräte zu finden, braucht Ferry eine Internetverbindung; sobald das Netz zurück ist, verbindet es sich von selbst wieder.',
  'staged.heading': 'Bereit zum Senden ({count})',
  'staged.clear': 'Alle entfernen',
  'staged.textPrefix': 'Text:',
  'staged.removeFile': '{name} entfernen',
  'staged.removeText': 'Text entfernen',
  'staged.noDevice':
    'Noch kein Gerät zum Senden: Öffne Ferry auf einem anderen Gerät oder teile einen Link.',
  'staged.sendTo': 'An {name} senden',
  'staged.sendToAll': 'An alle {count} Geräte senden',
  'staged.addedFiles':
    '{count, plural, one {Eine Datei} other {# Dateien}} zum Senden bereitgelegt: Wähle unter „Bereit zum Senden“ ein Gerät.',
  'staged.addedText': 'Text zum Senden bereitgelegt: Wähle unter „Bereit zum Senden“ ein Gerät.',
  'staged.addedFilesAndText':
    '{count, plural, one {Eine Datei} other {# Dateien}} und Text zum Senden bereitgelegt: Wähle unter „Bereit zum Senden“ ein Gerät.',
  'staged.shareFailed':
    'Ferry konnte das Geteilte nicht übernehmen. Versuche es noch einmal oder wähle die Dateien in Ferry aus.',
  'staged.readFailed':
    'Ferry konnte nicht alles lesen, was du abgelegt hast; nichts wurde hinzugefügt.',
  'notice.stalled':
    'Die Übertragung pausierte, während Ferry im Hintergrund war. Lass Ferry offen und im Vordergrund, bis sie fertig ist.',
  'update.ready': 'Eine neue Version von Ferry ist bereit.',
  'update.busy':
    'Lade neu, wenn die Übertragung fertig ist: Jetzt neu zu laden würde sie abbrechen.',
  'update.reload': 'Neu laden und aktualisieren',
  'notify.heading': 'Benachrichtigungen',
  'notify.onOffer':
    'Benachrichtige mich, wenn ein Gerät etwas senden möchte, während Ferry im Hintergrund ist',
  'notify.blocked':
    'Benachrichtigungen sind für Ferry in den Website-Einstellungen dieses Browsers blockiert.',
  'linkRelays.heading': 'Dieser Link nennt eigene Relays',
  'linkRelays.body':
    'Wer diesen Link erstellt hat, hat diese Relays für diesen Raum gewählt. Deine Einstellungen behalten deine eigenen.',
  'linkRelays.take': 'Für diesen Raum verwenden',
  'linkRelays.refuse': 'Meine eigenen Relays verwenden',
  'roomSwitch.heading': 'Einem anderen Raum beitreten?',
  'roomSwitch.body': 'Die Adresse nennt jetzt einen anderen Raum. Beitreten verlässt diesen.',
  'roomSwitch.join': 'Dem anderen Raum beitreten',
  'roomSwitch.stay': 'Hier bleiben',
} satisfies Catalog
