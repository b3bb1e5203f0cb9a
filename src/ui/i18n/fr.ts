/** French (français). Vouvoiement, typographic apostrophes and no-break spaces inside « » and before : ;. */
import type { Catalog } from './en.ts'

export const fr = {
  'app.skipToContent': 'Aller au contenu',
  'app.anotherDevice': 'Un autre appareil',
  'app.close': 'Fermer',
  'app.settingsOpen': 'Réglages',
  'app.historyOpen': 'Historique',
  'size.bytes': '{count, plural, one {# octet} other {# octets}}',
  'offer.queue': '{count, plural, one {# envoi en attente} other {# envois en attente}}',
  'settings.displayHeading': 'Affichage',
  'settings.trustHeading': 'Confiance',

  'header.deviceName': 'Nom de l’appareil',
  'header.save': 'Enregistrer',
  'header.rename': 'Renommer',
  'header.thisDeviceShort': 'Cet appareil',
  'header.thisDevice': 'Cet appareil : {device},',
  'header.relaysConnected': '{count, plural, one {# relais connecté} other {# relais connectés}}',
  'header.relaysConnecting': 'Connexion aux relais…',

  'device.phone': 'Téléphone',
  'device.tablet': 'Tablette',
  'device.laptop': 'Ordinateur portable',
  'device.desktop': 'Ordinateur',
  'device.unknown': 'Appareil',

  'room.nearby': 'À proximité',
  'room.link': 'Lien',
  'room.nearbySpoken': 'à proximité',
  'room.linkSpoken': 'par lien',
  'room.bothSpoken': 'à proximité et par lien',

  'devices.heading': 'Appareils',
  'devices.noneInRoom':
    'Aucun appareil pour l’instant. Ouvrez le lien sur un autre appareil ; il apparaîtra ici de lui-même.',
  'devices.none':
    'Aucun appareil pour l’instant. Ouvrez Ferry sur un autre appareil de ce réseau, ou partagez un lien.',
  'devices.sendToAll': 'Envoyer des fichiers aux {count} appareils',
  'devices.sendToAllInput': 'Fichiers à envoyer à tous les appareils',

  'limits.webrtc':
    'Ce navigateur ne peut pas établir de connexions WebRTC : Ferry ne peut rien envoyer ni recevoir ici. Ouvrez Ferry dans Chrome, Edge, Firefox ou Safari.',
  'limits.saveToFolder':
    'Ce navigateur ne peut pas enregistrer directement dans un dossier : les fichiers reçus sont enregistrés comme téléchargements, plusieurs en un seul zip.',
  'limits.diskStreaming':
    'Ce navigateur ne donne à Ferry aucun stockage propre : les fichiers reçus restent en mémoire jusqu’à leur enregistrement, et les très gros peuvent ne pas tenir.',
  'nearby.checking': 'Recherche d’appareils sur ce réseau…',
  'nearby.active':
    'Les appareils de ce réseau où Ferry est ouvert apparaissent ici d’eux-mêmes. Un appareil à proximité est n’importe qui sur ce réseau, ou quiconque connaît son adresse, tant que vous n’avez pas comparé les codes sous « Vérifier ».',
  'nearby.noStun':
    'La détection à proximité est désactivée : aucun serveur STUN n’est configuré. Partagez plutôt un lien privé.',
  'nearby.linkRelays': '« À proximité » attend tant que ce salon utilise les relais de son lien.',
  'nearby.unavailable':
    'La détection à proximité n’est pas disponible sur ce réseau. Partagez plutôt un lien privé.',
  'nearby.retry': 'Réessayer',

  'peer.trustedSpoken': 'de confiance',
  'peer.trustedMark': 'De confiance ✓',
  'peer.sendFiles': 'Envoyer des fichiers',
  'peer.sendFolder': 'Envoyer un dossier',
  'peer.sendText': 'Envoyer du texte',
  'peer.filesInput': 'Fichiers à envoyer à {name}',
  'peer.folderInput': 'Dossier à envoyer à {name}',
  'peer.messageLabel': 'Message ou lien pour {name}',
  'peer.cancel': 'Annuler',
  'peer.send': 'Envoyer',
  'peer.readingFolder': 'Lecture du dossier…',
  'peer.dropHint': 'ou déposez des fichiers ou des dossiers ici',
  'peer.sameName':
    'Un autre appareil ici s’appelle aussi {name} : celui-ci affiche {code} sous « Vérifier ».',
  'peer.sameNameNoCode': 'Un autre appareil ici s’appelle aussi {name}.',

  'verify.summary': 'Vérifier',
  'verify.compare':
    '{name} affiche le même code si vous êtes connecté à cet appareil et à personne d’autre. Comparez-les.',
  'verify.codeLabel': 'Code de vérification',
  'verify.working': 'Calcul du code…',
  'verify.noCertificate':
    'Cette connexion ne présente aucun certificat : il n’y a donc pas de code à comparer.',
  'verify.trusted': 'De confiance ✓',
  'verify.forget': 'Oublier',
  'verify.trust': 'Faire confiance à cet appareil',
  'verify.hint': 'Seulement si les deux écrans affichent le même code.',

  'link.heading': 'Lien privé',
  'link.explain':
    'Ouvrez ce lien sur un autre appareil pour le connecter. Toute personne qui a le lien peut rejoindre.',
  'link.label': 'Lien du salon',
  'link.copy': 'Copier',
  'link.copied': 'Copié',
  'link.share': 'Partager…',
  'link.shareText': 'Ouvrez ce lien pour échanger des fichiers avec moi',
  'link.qrLabel': 'Code QR du lien du salon',
  'link.showQr': 'Afficher le code QR',
  'link.hideQr': 'Masquer le code QR',
  'link.new': 'Nouveau lien',
  'link.leave': 'Quitter le salon',
  'link.connectHeading': 'Connecter un appareil',
  'link.connectExplain':
    'Créez un lien privé, puis ouvrez-le sur l’autre appareil. Les fichiers passent directement d’un appareil à l’autre, jamais par un serveur.',
  'link.create': 'Partager un lien',

  'offer.heading':
    '{name} veut vous envoyer {count, plural, one {un fichier} other {# fichiers}} ({size})',
  'offer.trusted': 'Un appareil de confiance ✓',
  'offer.unverified': 'Non vérifié : son code est {code}',
  'offer.unverifiedNoCode': 'Non vérifié',
  'offer.previews': 'Aperçus',
  'offer.more': 'et {count} de plus',
  'offer.noSpace': 'Il faut {needed}, mais Ferry ne dispose que de {free} sur cet appareil.',
  'offer.noSpacePick': 'Choisissez plutôt où l’enregistrer.',
  'offer.decline': 'Refuser',
  'offer.saveAs': 'Enregistrer sous…',
  'offer.saveToFolder': 'Enregistrer dans un dossier…',
  'offer.accept': 'Accepter',

  'tree.folder': '{name}/ ({contents})',
  'tree.files': '{count, plural, one {# fichier} other {# fichiers}}',
  'tree.emptyFolders': '{count, plural, one {# dossier vide} other {# dossiers vides}}',
  'tree.empty': 'vide',
  'tree.listSeparator': ', ',

  'transfers.heading': 'Transferts',
  'transfer.to': 'À {name} : {what}',
  'transfer.from': 'De {name} : {what}',
  'transfer.fileCount': '{count, plural, one {# fichier} other {# fichiers}}',
  'transfer.progressLabel': 'Progression : {heading}',
  'transfer.waitingFor': 'En attente de l’acceptation de {name}…',
  'transfer.waitingForYou': 'En attente de votre réponse',
  'transfer.progress': '{percent} · {done} sur {total}',
  'transfer.progressRate': '{percent} · {done} sur {total} · {rate}',
  'transfer.progressRateLeft': '{percent} · {done} sur {total} · {rate} · encore {left}',
  'transfer.sentVerified': 'Envoyé et vérifié',
  'transfer.receivedVerified': 'Reçu et vérifié',
  'transfer.declinedBy': 'Refusé par {name}',
  'transfer.declinedByYou': 'Refusé par vous',
  'transfer.cancelledBy': 'Annulé par {name}',
  'transfer.retry': 'Réessayer',
  'transfer.resume': 'Reprendre',
  'transfer.discard': 'Abandonner',
  'transfer.pausedStoragePeer':
    'En pause : {name} n’a plus d’espace de stockage. Le transfert reprend quand de la place est libérée.',
  'transfer.pausedStorage':
    'En pause : cet appareil n’a plus d’espace de stockage. Ce qui est arrivé est conservé ; libérez de la place, puis appuyez sur Réessayer.',
  'transfer.interruptedRestored':
    'Interrompu à la fermeture de Ferry. Ce qui est arrivé est conservé : appuyez sur Reprendre quand l’expéditeur est de retour.',
  'transfer.interruptedWaiting':
    'Connexion perdue. En attente de {name} ; le transfert reprend là où il s’était arrêté.',
  'transfer.interruptedProgress': '{text} {done} sur {total}.',
  'transfer.cancelled': 'Annulé',
  'transfer.verified': 'vérifié',
  'transfer.saveFile': 'Enregistrer {name}',
  'transfer.save': 'Enregistrer',
  'transfer.emptyFolder': 'dossier vide',
  'transfer.folded':
    '{files, plural, one {# fichier} other {# fichiers}}{folders, plural, =0 {} one {, # dossier vide} other {, # dossiers vides}}',
  'transfer.zipFailed': 'Impossible d’enregistrer le fichier ZIP.',
  'transfer.zipFailedDetail': 'Impossible d’enregistrer le fichier ZIP ({detail}).',
  'transfer.cancel': 'Annuler',
  'transfer.zipping': 'Compression…',
  'transfer.saveZip': 'Enregistrer en ZIP',
  'transfer.dismiss': 'Fermer',

  'texts.heading': 'Messages',
  'texts.from': 'De {name}',
  'texts.copy': 'Copier',
  'texts.copied': 'Copié',
  'texts.dismiss': 'Fermer',

  'settings.heading': 'Réglages',
  'settings.language': 'Langue',
  'settings.languageAuto': 'Celle du navigateur',
  'settings.theme': 'Thème',
  'settings.themeSystem': 'Celui de l’appareil',
  'settings.themeLight': 'Clair',
  'settings.themeDark': 'Sombre',
  'settings.autoAccept': 'Laisser les appareils de confiance envoyer sans demander',
  'settings.trustedHeading': 'Appareils de confiance',
  'settings.noTrusted':
    'Aucun pour l’instant. Ouvrez « Vérifier » sur un appareil, comparez les codes sur les deux écrans, puis faites-lui confiance.',
  'settings.forget': 'Oublier',
  'settings.trustPerVisit':
    'Ce navigateur ne peut pas conserver le certificat d’appareil de Ferry : la confiance des autres appareils envers celui-ci ne vaut donc que pour cette visite.',

  'history.heading': 'Historique',
  'history.transfersHeading': 'Envoyés et reçus',
  'history.empty': 'Rien d’envoyé ni de reçu pour l’instant.',
  'history.to': 'À {name}',
  'history.from': 'De {name}',
  'history.namesAndMore':
    '{names} et {count, plural, one {# autre fichier} other {# autres fichiers}}',
  'history.verified': 'Vérifié ✓',
  'history.complete': 'Terminé',
  'history.declined': 'Refusé',
  'history.cancelled': 'Annulé',
  'history.failed': 'Échec',
  'history.showAll': 'Tout afficher ({count})',
  'history.showFewer': 'Afficher moins',
  'history.clear': 'Effacer l’historique',
  'history.devicesHeading': 'Appareils connus',
  'history.noDevices': 'Les appareils auxquels vous vous connectez apparaissent ici.',
  'history.lastSeen': 'vu pour la dernière fois le {time}',
  'history.forget': 'Oublier',

  'notices.dismiss': 'Fermer',
  'notice.relaysUnreachable':
    'Aucun relais de signalisation n’est joignable : les appareils ne peuvent pas se trouver. Vérifiez la connexion Internet ; Ferry continue d’essayer.',
  'notice.relaysReachable': 'De nouveau connecté à un relais de signalisation.',
  'notice.joinRefused':
    'Un appareil a tenté de rejoindre ce salon sans le bon lien et a été refusé.',
  'peer.blockedMark': 'Bloqué',
  'peer.blockedSpoken': '{name}, bloqué',
  'peer.blockedReason':
    'Il a envoyé à plusieurs reprises ce que Ferry ne peut pas accepter ; il a été déconnecté pour cette visite.',
  'devices.blocked': 'Appareils bloqués',
  'notice.peerBlocked':
    '{name} a envoyé à plusieurs reprises ce que Ferry ne peut pas accepter ; il a été déconnecté et bloqué.',
  'notice.peerProtocolError':
    '{name} a envoyé quelque chose que Ferry ne peut pas accepter ; cela a été refusé.',
  'notice.offer': '{name} veut vous envoyer {count, plural, one {un fichier} other {# fichiers}}.',
  'notice.autoAccepted':
    'Réception de {count, plural, one {un fichier} other {# fichiers}} de {name}, un appareil de confiance.',
  'notice.trustFailed':
    'Impossible de faire confiance à {name} : cette connexion ne présente pas son certificat.',
  'notice.declined': '{name} a refusé {count, plural, one {le fichier} other {les # fichiers}}.',
  'notice.cancelledSend': '{name} a annulé le transfert.',
  'notice.cancelledReceive':
    '{name} a annulé le transfert {count, plural, one {du fichier} other {des # fichiers}}.',
  'notice.received': '{name} a reçu {count, plural, one {le fichier} other {les # fichiers}}.',
  'notice.peerGone': '{name} est parti avant la fin du transfert.',
  'notice.damagedReceived': 'Un fichier de {name} est arrivé endommagé et a été supprimé.',
  'notice.damagedSent': '{name} a reçu une copie endommagée ; elle a été supprimée.',
  'notice.failed': 'Le transfert avec {name} a échoué ({code}).',
  'notice.unknownError': 'erreur inconnue',
  'notice.sendPeerGone': '{name} n’est plus connecté.',
  'notice.sendTooLarge':
    'C’est plus que ce que Ferry peut envoyer à {name} en une fois ; envoyez-le en plusieurs parties.',
  'notice.sendInvalid':
    'Ferry ne peut pas envoyer cela à {name} : un nom est vide, trop long ou non autorisé.',
  'notice.sendReadFailed':
    'Ferry n’a pas pu lire tout ce que vous avez choisi pour {name} ; rien n’a été envoyé.',
  'notice.sendFailed': 'Impossible d’envoyer à {name}.',
  'notice.emptyFoldersOnly':
    'Ce dossier ne contient aucun fichier, seulement des dossiers vides : il n’y a donc rien à envoyer.',
  'notice.emptyFolder': 'Ce dossier est vide : il n’y a donc rien à envoyer.',

  // Connections: details, settings, devices that cannot connect
  'notice.peerUnreachable':
    'Un appareil a été trouvé mais n’a pas pu se connecter par WebRTC : ce réseau a besoin d’un serveur TURN. Ajoutez-en un dans les réglages de connexion.',
  'notice.peerUnreachableWithTurn':
    'Un appareil a été trouvé mais n’a pas pu se connecter, même par le serveur TURN. Vérifiez ses adresses et identifiants dans les réglages de connexion.',
  'connection.summary': 'Connexion',
  'connection.label': 'Connexion avec {name}',
  'connection.route': 'Chemin',
  'connection.routeDirect': 'Direct',
  'connection.routeRelayed': 'Relayé par un serveur TURN',
  'connection.routeUnknown': 'Pas encore connu',
  'connection.roundTrip': 'Aller-retour',
  'connection.roundTripMs': '{ms} ms',
  'connection.relays': 'Relais de signalisation',
  'connection.relaysCount': '{open} sur {total} connectés',
  'connectionSettings.heading': 'Réglages de connexion',
  'connectionSettings.intro':
    'Les relais présentent les appareils les uns aux autres ; les serveurs STUN et TURN les aident à se connecter. Laissez un champ vide pour utiliser les valeurs par défaut de Ferry. Les changements s’appliquent au prochain démarrage de Ferry.',
  'connectionSettings.relays': 'Relais (une adresse wss:// par ligne)',
  'connectionSettings.stunUrls': 'Serveurs STUN (un par ligne)',
  'connectionSettings.turn': 'Serveur TURN',
  'connectionSettings.turnUrls': 'Adresses (une par ligne)',
  'connectionSettings.username': 'Nom d’utilisateur',
  'connectionSettings.credential': 'Identifiant secret',
  'connectionSettings.relayOnly': 'Tout faire passer par le serveur TURN',
  'connectionSettings.reset': 'Revenir aux valeurs par défaut',
  'connectionSettings.save': 'Enregistrer',
  'connectionSettings.invalid': 'Certains réglages sont à corriger ; rien n’a été enregistré.',
  'connectionSettings.saved':
    'Enregistré. Les réglages s’appliquent au prochain démarrage de Ferry.',
  'connectionSettings.resetDone':
    'Retour aux valeurs par défaut. Elles s’appliquent au prochain démarrage de Ferry.',
  'connectionSettings.restart': 'Redémarrer Ferry maintenant',
  'connectionSettings.saveFailed': 'Ce navigateur n’a pas enregistré les réglages.',
  'connectionSettings.errorRelay': 'Pas une adresse de relais (wss://…) : {entries}',
  'connectionSettings.errorStun': 'Pas une adresse STUN (stun:hôte:port) : {entries}',
  'connectionSettings.errorTurn':
    'Pas une adresse TURN (turn:hôte:port ou turns:hôte:port) : {entries}',
  'connectionSettings.errorTooMany': 'Au plus {max} adresses.',
  'connectionSettings.errorCredentialsMissing':
    'Un serveur TURN a besoin d’un nom d’utilisateur et d’un identifiant secret.',
  'connectionSettings.errorCredentialsTooLong':
    'Le nom d’utilisateur et l’identifiant secret sont limités à 256 caractères chacun.',
  'connectionSettings.errorNoTurn': 'Tout relayer demande un serveur TURN ci-dessus.',
  'offline.message':
    'Vous êtes hors ligne. Trouver des appareils demande une connexion à Internet ; Ferry se reconnecte tout seul quand le réseau revient.',
  'staged.heading': 'Prêt à envoyer ({count})',
  'staged.clear': 'Tout retirer',
  'staged.textPrefix': 'Texte :',
  'staged.removeFile': 'Retirer {name}',
  'staged.removeText': 'Retirer le texte',
  'staged.noDevice':
    'Aucun appareil à qui envoyer pour l’instant : ouvrez Ferry sur un autre appareil, ou partagez un lien.',
  'staged.sendTo': 'Envoyer à {name}',
  'staged.sendToAll': 'Envoyer aux {count} appareils',
  'staged.addedFiles':
    '{count, plural, one {Un fichier ajouté} other {# fichiers ajoutés}} à envoyer : choisissez un appareil sous « Prêt à envoyer ».',
  'staged.addedText': 'Texte ajouté à envoyer : choisissez un appareil sous « Prêt à envoyer ».',
  'staged.addedFilesAndText':
    '{count, plural, one {Un fichier et du texte ajoutés} other {# fichiers et du texte ajoutés}} à envoyer : choisissez un appareil sous « Prêt à envoyer ».',
  'staged.shareFailed':
    'Ferry n’a pas pu recevoir ce qui a été partagé. Réessayez, ou choisissez les fichiers dans Ferry.',
  'staged.readFailed': 'Ferry n’a pas pu lire tout ce que vous avez déposé ; rien n’a été ajouté.',
  'notice.stalled':
    'Le transfert s’est interrompu pendant que Ferry était en arrière-plan. Gardez Ferry ouvert et au premier plan jusqu’à la fin.',
  'update.ready': 'Une nouvelle version de Ferry est prête.',
  'update.busy': 'Rechargez une fois le transfert terminé : recharger maintenant l’interromprait.',
  'update.reload': 'Recharger pour mettre à jour',
  'notify.heading': 'Notifications',
  'notify.onOffer':
    'M’avertir quand un appareil veut envoyer quelque chose pendant que Ferry est en arrière-plan',
  'notify.blocked':
    'Les notifications sont bloquées pour Ferry dans les réglages de site de ce navigateur.',
  'linkRelays.heading': 'Ce lien indique ses propres relais',
  'linkRelays.body':
    'La personne qui a créé ce lien a choisi ces relais pour ce salon. Vos réglages gardent les vôtres.',
  'linkRelays.take': 'Les utiliser pour ce salon',
  'linkRelays.refuse': 'Utiliser mes propres relais',
  'roomSwitch.heading': 'Rejoindre un autre salon ?',
  'roomSwitch.body': 'L’adresse indique un autre salon. Le rejoindre quitte celui-ci.',
  'roomSwitch.join': 'Rejoindre l’autre salon',
  'roomSwitch.stay': 'Rester ici',
} satisfies Catalog
